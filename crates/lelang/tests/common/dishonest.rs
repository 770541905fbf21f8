//! The dishonest server, played by the tests: it rewrites the ceremony it relays, as anyone who
//! can write to its database could.

use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::sealing::{Ceremony, member};
use lelang_core::store::prelude::*;

/// Replaces dealer `dealer`'s dealing with one of the server's own: a polynomial it knows, proven
/// and signed with a key of its own, every sub-share sealed to the members' real recipients (so
/// each decrypts and lies on its commitments). Only the signature can give it away.
pub fn forged(c: &Ceremony, dealer: u16) -> Ceremony {
    let server = age::x25519::Identity::generate();
    let deal = member::deal_unchecked(c, dealer, &server).expect("deal");
    let mut f = c.clone();
    let d = f
        .dealings
        .iter_mut()
        .find(|d| d.dealer == dealer)
        .expect("dealing");
    d.commitments = deal.commitments;
    d.proof = Some(deal.proof);
    d.sub_shares = deal.sub_shares;
    d.signature = deal.signature;
    f.version += 1;
    f
}

/// Writes the forged ceremony over the stored one, behind every member's back.
pub async fn rewrite(store: &dyn Store, c: &Ceremony, dealer: u16) -> Ceremony {
    let f = forged(c, dealer);
    store
        .commit(Change {
            events: vec![],
            mutations: vec![Mutation::Sealing(lelang_core::sealing::Mutation::PutCeremony {
                ceremony: f.clone(),
                expected_version: Some(c.version),
            })],
        })
        .await
        .expect("the server rewrites its own database");
    f
}
