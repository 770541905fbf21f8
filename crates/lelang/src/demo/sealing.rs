//! The demo pokja's sealing keys and key ceremonies, run through the same commands and the same
//! member-side code as real members use. Demo identities are derived from the usernames so that a
//! visitor, the CLI and the tests can act as a demo member: never do this with real accounts.

use anyhow::anyhow;
use lelang_core::Clock;
use lelang_core::ids::PackageId;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::Actor;
use lelang_core::sealing::{self, Ceremony, member};
use lelang_core::store::Store;
use sha2::{Digest, Sha256};

/// The demo member's age identity (`AGE-SECRET-KEY-1…`), derived from the username.
pub fn member_identity(username: &str) -> anyhow::Result<age::x25519::Identity> {
    let seed = Sha256::digest(format!("lelang demo sealing identity\n{username}").as_bytes());
    let hrp = bech32::Hrp::parse("age-secret-key-").map_err(|e| anyhow!("{e}"))?;
    let s = bech32::encode::<bech32::Bech32>(hrp, &seed)
        .map_err(|e| anyhow!("{e}"))?
        .to_uppercase();
    s.parse::<age::x25519::Identity>().map_err(|e| anyhow!("{e}"))
}

/// Enrols every member (if not yet) and runs the tender's ceremony to completion.
pub async fn ceremony(
    store: &dyn Store,
    clock: &dyn Clock,
    package: PackageId,
    assignment: &PokjaAssignment,
    members: &[Actor],
) -> anyhow::Result<Ceremony> {
    if let Some(c) = store.ceremony(package).await?
        && c.recipient().is_some()
    {
        return Ok(c);
    }
    let mut keys = Vec::new();
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let username = &user.username;
        let key = match store.member_key(user.user_id).await? {
            Some(k) => k,
            None => {
                let id = member_identity(username)?;
                let (k, change) = sealing::enrol(actor, &id.to_public().to_string(), None, clock.now())?;
                store.commit(change).await?;
                k
            }
        };
        keys.push(key);
    }
    let lead = members.first().ok_or_else(|| anyhow!("no members"))?;
    let (mut c, change) = sealing::start_ceremony(
        lead,
        assignment.tenant_id,
        package,
        Some(assignment),
        &keys,
        false,
        None,
        None,
        clock.now(),
    )?;
    store.commit(change).await?;
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let i = c.index_of(user.user_id).ok_or_else(|| anyhow!("not a member"))?;
        let d = member::deal(&c, i).map_err(|e| anyhow!(e))?;
        let (n, change) = sealing::deal(actor, &c, d.commitments, d.sub_shares, clock.now())?;
        store.commit(change).await?;
        c = n;
    }
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let i = c.index_of(user.user_id).ok_or_else(|| anyhow!("not a member"))?;
        match member::verdict(&c, i, &member_identity(&user.username)?) {
            member::Verdict::Confirm => {}
            v => return Err(anyhow!("demo ceremony: {v:?}")),
        }
        let (n, change) = sealing::confirm(actor, &c, clock.now())?;
        store.commit(change).await?;
        c = n;
    }
    Ok(c)
}

/// Runs the ceremony of a package whose pokja is assigned, acting as each member (demo and tests).
pub async fn ceremony_for(
    store: &dyn Store,
    clock: &dyn Clock,
    package: PackageId,
) -> anyhow::Result<Ceremony> {
    for t in store.tenants().await? {
        let Some(a) = store
            .pokja_assignments(t.id)
            .await?
            .into_iter()
            .find(|a| a.package_id == package)
        else {
            continue;
        };
        let mut members = Vec::new();
        for m in &a.members {
            let u = store.user(*m).await?.ok_or_else(|| anyhow!("member"))?;
            members.push(super::official_actor(store, &u.username).await?);
        }
        return ceremony(store, clock, package, &a, &members).await;
    }
    Err(anyhow!("no pokja for {package:?}"))
}
