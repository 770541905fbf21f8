use super::*;
use crate::fixtures::{member, now, world};
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;

/// Each member's keys as its client derives them from its identity.
fn key(user: UserId, id: &age::x25519::Identity) -> MemberKey {
    MemberKey {
        user_id: user,
        recipient: id.to_public().to_string(),
        signing_key: trust::signing_key_hex(id),
        sealed_identity: None,
        enrolled_at: now(),
    }
}

/// A world whose pokja has `n` members, their identities and keys.
fn pokja(n: usize) -> (crate::fixtures::World, Vec<age::x25519::Identity>, Vec<MemberKey>) {
    let mut w = world();
    while w.pokja.members.len() < n {
        let u = UserId::new();
        w.pokja.members.push(u);
        w.pokja.declared.push(u);
    }
    let ids: Vec<_> = (0..n).map(|_| age::x25519::Identity::generate()).collect();
    let ks = w
        .pokja
        .members
        .iter()
        .zip(&ids)
        .map(|(m, id)| key(*m, id))
        .collect();
    (w, ids, ks)
}

fn started(w: &crate::fixtures::World, ks: &[MemberKey], k: Option<u16>) -> Ceremony {
    start_ceremony(
        &w.lead(),
        w.tenant,
        w.package.id,
        Some(&w.pokja),
        ks,
        false,
        None,
        k,
        &crate::fixtures::cx(now()),
    )
    .expect("start")
    .0
}

/// Every member but those in `skip` deals honestly.
fn dealt(
    w: &crate::fixtures::World,
    ids: &[age::x25519::Identity],
    mut c: Ceremony,
    skip: &[u16],
) -> Ceremony {
    for (m, id) in w.pokja.members.iter().zip(ids) {
        let i = c.index_of(*m).expect("member");
        if skip.contains(&i) {
            continue;
        }
        let d = member::deal(&c, i, id).expect("deal");
        c = deal(&member(*m, w.tenant), &c, d, &crate::fixtures::cx(now()))
            .expect("dealt")
            .0;
    }
    c
}

fn confirmed(w: &crate::fixtures::World, ids: &[age::x25519::Identity], mut c: Ceremony) -> Ceremony {
    for (m, id) in w.pokja.members.iter().zip(ids) {
        let i = c.index_of(*m).expect("member");
        let v = member::verdict(&c, i, id).expect("verdict");
        let req = v.confirmation().expect("confirms");
        c = confirm(&member(*m, w.tenant), &c, req, &crate::fixtures::cx(now()))
            .expect("confirmed")
            .0;
    }
    c
}

#[test]
fn a_running_ceremony_blocks_another_until_it_fails_or_stalls() {
    let (w, _, ks) = pokja(3);
    let start = |latest: Option<&Ceremony>, at| {
        start_ceremony(
            &w.lead(),
            w.tenant,
            w.package.id,
            Some(&w.pokja),
            &ks,
            false,
            latest,
            None,
            &crate::fixtures::cx(at),
        )
    };
    let (c, _) = start(None, now()).expect("first");
    assert_eq!(c.threshold, 2);
    assert_eq!(c.attempt, 1);
    let err = start(Some(&c), now() + Duration::hours(23)).err();
    assert_eq!(err, Some(invalid("package_id", "ceremony-exists")));
    let (again, change) = start(Some(&c), now() + CEREMONY_STALL).expect("stalled: replaced");
    assert_ne!(again.id, c.id);
    assert_eq!(again.attempt, 2);
    assert!(
        change.events[0].payload.contains(&c.id.to_string()),
        "the log says what it replaces"
    );
    // Not before every member has enrolled, not by an outsider, never below a majority, not after
    // the announcement.
    let with = |actor: &Actor, keys: &[MemberKey], k: Option<u16>, announced: bool| {
        start_ceremony(
            actor,
            w.tenant,
            w.package.id,
            Some(&w.pokja),
            keys,
            announced,
            None,
            k,
            &crate::fixtures::cx(now()),
        )
        .err()
    };
    assert_eq!(
        with(&w.lead(), &ks[..2], None, false),
        Some(invalid("package_id", "member-not-enrolled"))
    );
    assert!(with(&member(UserId::new(), w.tenant), &ks, None, false).is_some());
    assert_eq!(
        with(&w.lead(), &ks, Some(1), false),
        Some(invalid("threshold", "ceremony-threshold"))
    );
    assert_eq!(
        with(&w.lead(), &ks, Some(4), false),
        Some(invalid("threshold", "ceremony-threshold"))
    );
    assert!(
        with(&w.lead(), &ks, Some(3), false).is_none(),
        "k = n is allowed: dealers prove knowledge"
    );
    assert!(with(&w.lead(), &ks, None, true).is_some());
    // A key enrolled before ceremonies were signed must be enrolled again.
    let mut old = ks.clone();
    old[1].signing_key.clear();
    assert_eq!(
        with(&w.lead(), &old, None, false),
        Some(invalid("package_id", "member-key-outdated"))
    );
}

#[test]
fn the_same_members_restart_a_ceremony_only_so_often() {
    let (mut w, _, mut ks) = pokja(3);
    let restart = |w: &crate::fixtures::World, ks: &[MemberKey], latest: Option<&Ceremony>, days: i32| {
        let at = now() + CEREMONY_STALL * days;
        start_ceremony(
            &w.lead(),
            w.tenant,
            w.package.id,
            Some(&w.pokja),
            ks,
            false,
            latest,
            None,
            &crate::fixtures::cx(at),
        )
    };
    let mut latest: Option<Ceremony> = None;
    for attempt in 1..=MAX_ATTEMPTS {
        let (c, _) = restart(&w, &ks, latest.as_ref(), i32::from(attempt)).expect("within the bound");
        assert_eq!(c.attempt, attempt);
        latest = Some(c);
    }
    let err = restart(&w, &ks, latest.as_ref(), 10).err();
    assert_eq!(err, Some(invalid("package_id", "ceremony-attempts")));
    // A pokja the ULP head changed starts afresh.
    let newcomer = UserId::new();
    w.pokja.members[2] = newcomer;
    w.pokja.declared[2] = newcomer;
    ks.push(key(newcomer, &age::x25519::Identity::generate()));
    let (c, _) = restart(&w, &ks, latest.as_ref(), 10).expect("new members");
    assert_eq!(c.attempt, 1);
}

#[test]
fn members_deal_check_and_complete_and_the_key_opens_what_age_seals() {
    let (w, ids, ks) = pokja(3);
    let c = dealt(&w, &ids, started(&w, &ks, None), &[]);
    assert_eq!(c.stage(), CeremonyStage::Checking);
    let c = confirmed(&w, &ids, c);
    let r = c.recipient().expect("complete").to_owned();
    assert_eq!(
        tender_x25519(&c).map(|k| seal::recipient_string(&k)),
        Some(r.clone())
    );
    // The published transcript checks out on its own, and gives the same key.
    let v = transcript::verify(&c.transcript()).expect("verifies");
    assert_eq!(v.recipient, r);
    assert_eq!(v.confirmed, vec![1, 2, 3]);
    // Each member's share matches its public verification share.
    for (m, id) in w.pokja.members.iter().zip(&ids) {
        let i = c.index_of(*m).expect("member");
        let s = member::share(&c, i, id).expect("share");
        let v = c.verification(i).and_then(seal::unhex32).expect("verification");
        assert_eq!((B * s).compress().to_bytes(), v);
    }
}

/// The rogue last dealer: it sets its constant-term commitment to `T − Σ others` for a `T = t·B`
/// it knows, so that the tender key would be `T`. It cannot prove knowledge of that commitment's
/// scalar, for any k the ceremony allows; its honest dealing, in the same place, is accepted.
#[test]
fn a_rogue_last_dealer_is_refused_for_every_k() {
    for n in [3usize, 5] {
        for k in seal::default_threshold(n)..=n {
            let (w, ids, ks) = pokja(n);
            let last = u16::try_from(n).expect("n");
            let c = dealt(
                &w,
                &ids,
                started(&w, &ks, Some(u16::try_from(k).expect("k"))),
                &[last],
            );
            let rogue = member(w.pokja.members[n - 1], w.tenant);
            let id = &ids[n - 1];
            let honest = member::deal(&c, last, id).expect("deal");
            let others = c
                .dealings
                .iter()
                .map(|d| seal::point(&seal::unhex32(&d.commitments[0]).expect("hex")).expect("point"))
                .fold(curve25519_dalek::EdwardsPoint::default(), |a, p| a + p);
            let t = seal::random_scalar();
            let forged = (B * t - others).compress().to_bytes();
            let t_ = c.transcript();
            let other_proof = c.dealings[0].proof.clone().expect("proof");
            let own_proof = honest.proof.clone();
            // It signs properly; only the proof can give it away.
            let attempt = |proof: KnowledgeJson| {
                let mut req = member::DealRequest {
                    commitments: std::iter::once(seal::hex32(&forged))
                        .chain(honest.commitments[1..].iter().cloned())
                        .collect(),
                    proof,
                    sub_shares: honest.sub_shares.clone(),
                    signature: String::new(),
                };
                member::sign_deal(&c, last, id, &mut req);
                deal(&rogue, &c, req, &crate::fixtures::cx(now())).err()
            };
            let random = KnowledgeJson {
                r: seal::hex32(&(B * seal::random_scalar()).compress().to_bytes()),
                z: seal::hex32(&seal::random_scalar().to_bytes()),
            };
            // A proof made for T itself (the scalar it knows) does not prove the forged commitment.
            let ctx = transcript::knowledge_context(&t_, last).expect("ctx");
            let for_t: KnowledgeJson = trust::prove_knowledge(&t, ctx.as_bytes()).into();
            for proof in [random, other_proof, own_proof, for_t] {
                assert_eq!(
                    attempt(proof),
                    Some(invalid("proof", "ceremony-proof")),
                    "n = {n}, k = {k}"
                );
            }
            // Its honest dealing is accepted, and the key is then nobody's choice.
            let done = deal(&rogue, &c, honest, &crate::fixtures::cx(now()))
                .expect("honest")
                .0;
            assert_ne!(
                transcript::recipient(&done.transcript()).ok(),
                Some(seal::recipient_string(&(B * t).to_montgomery().to_bytes()))
            );
        }
    }
}

#[test]
fn a_dealing_with_a_borrowed_or_missing_signature_is_refused() {
    let (w, ids, ks) = pokja(3);
    let c = started(&w, &ks, None);
    let mut d = member::deal(&c, 1, &ids[0]).expect("deal");
    // Signed by another member's key.
    let mut other = d.clone();
    other.signature = member::deal(&c, 2, &ids[1]).expect("deal").signature;
    assert_eq!(
        deal(&w.lead(), &c, other, &crate::fixtures::cx(now())).err(),
        Some(invalid("signature", "ceremony-signature"))
    );
    // A commitment changed after signing (the proof is of the first; change the second).
    d.commitments[1] = seal::hex32(&(B * seal::random_scalar()).compress().to_bytes());
    assert_eq!(
        deal(&w.lead(), &c, d, &crate::fixtures::cx(now())).err(),
        Some(invalid("signature", "ceremony-signature"))
    );
}

/// The dishonest server: it replaces a dealing with its own, sealed to the members' real
/// recipients — every sub-share decrypts and matches its commitments — but it cannot sign as the
/// dealer: every member's client refuses to confirm.
#[test]
fn members_refuse_a_transcript_the_server_rewrote() {
    let (w, ids, ks) = pokja(3);
    let c = dealt(&w, &ids, started(&w, &ks, None), &[]);
    let server = age::x25519::Identity::generate();
    // The server deals as dealer 2 with a polynomial of its own, signing with its own key (the
    // member's client would refuse to deal as someone else: the server does it unchecked).
    assert_eq!(
        member::deal(&c, 2, &server).err(),
        Some(member::Refusal::NotMine(2))
    );
    let own = member::deal_unchecked(&c, 2, &server).expect("deal");
    let mut forged = c.clone();
    let d = &mut forged.dealings[1];
    d.commitments = own.commitments;
    d.proof = Some(own.proof);
    d.sub_shares = own.sub_shares;
    d.signature = own.signature;
    // Each sub-share decrypts for its member and lies on the forged commitments: only the
    // signature gives it away.
    for (j, id) in ids.iter().enumerate() {
        assert!(member::share(&forged, u16::try_from(j + 1).expect("i"), id).is_ok());
    }
    for (j, id) in ids.iter().enumerate() {
        let i = u16::try_from(j + 1).expect("i");
        let err = member::verdict(&forged, i, id).expect_err("refused");
        assert_eq!(err.code(), "transcript-tampered", "member {i}");
    }
    // Nor does a member's key swapped in the server's view pass: the member sees it is not its own.
    let mut swapped = c.clone();
    swapped.members[0].recipient = server.to_public().to_string();
    assert_eq!(
        member::verdict(&swapped, 1, &ids[0]).err(),
        Some(member::Refusal::NotMine(1))
    );
    // A confirmation of one view is refused on another (a server showing members different views).
    let v = member::verdict(&c, 3, &ids[2]).expect("verdict");
    let honest = v.confirmation().expect("confirm");
    // The other view: the same members, dealt again (a transcript that holds, but not this one).
    let other = dealt(&w, &ids, started(&w, &ks, None), &[]);
    let m3 = member(w.pokja.members[2], w.tenant);
    assert_eq!(
        confirm(&m3, &other, honest, &crate::fixtures::cx(now())).err(),
        Some(invalid("signature", "ceremony-confirmation"))
    );
    // On its own view it holds.
    assert!(confirm(&m3, &c, honest, &crate::fixtures::cx(now())).is_ok());
}

/// A sub-share that does not decrypt: the member reveals its X25519 secret with the sealing
/// file's ephemeral key, proven against its recipient, and the log names the dealer.
#[test]
fn a_sub_share_that_does_not_decrypt_names_its_dealer() {
    let (w, ids, ks) = pokja(3);
    let c = started(&w, &ks, None);
    let c = dealt(&w, &ids, c, &[2]);
    // Dealer 2 seals member 3's sub-share with a payload nobody can read (a valid stanza for
    // member 3, a body under another key), and signs it all.
    let mut d = member::deal(&c, 2, &ids[1]).expect("deal");
    let good = base64::engine::general_purpose::STANDARD
        .decode(&d.sub_shares[2])
        .expect("b64");
    let junk = seal::encrypt_to(&[&ks[2].recipient], b"x").expect("seal");
    let header_end = good.windows(4).position(|w| w == b"\n---").expect("header");
    let mac_end = header_end
        + good[header_end + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .expect("mac")
        + 2;
    let mut bad = good[..mac_end].to_vec();
    bad.extend_from_slice(&junk[junk.len() - 40..]);
    d.sub_shares[2] = base64::engine::general_purpose::STANDARD.encode(&bad);
    member::sign_deal(&c, 2, &ids[1], &mut d);
    let c = deal(
        &member(w.pokja.members[1], w.tenant),
        &c,
        d,
        &crate::fixtures::cx(now()),
    )
    .expect("dealt")
    .0;
    let v = member::verdict(&c, 3, &ids[2]).expect("verdict");
    assert!(matches!(v, member::Verdict::Complain { dealer: 2, .. }), "{v:?}");
    let revealed = v.revealed().expect("a reveal");
    let (failed, change) = complain(
        &member(w.pokja.members[2], w.tenant),
        &c,
        2,
        Some(&revealed),
        &crate::fixtures::cx(now()),
    )
    .expect("proven");
    assert!(
        matches!(
            failed.outcome,
            Some(CeremonyOutcome::Failed {
                dealer: 2,
                proven: true,
                ..
            })
        ),
        "{:?}",
        failed.outcome
    );
    assert!(
        change.events[0].payload.contains(&w.pokja.members[1].to_string()),
        "the log names the dealer"
    );
    // The same reveal by another member, or for another dealer, does not hold; without a reveal,
    // a file sealed to one recipient is no proof.
    let unfounded = Some(invalid("partial", "complaint-unfounded"));
    for (by, dealer, reveal) in [(0, 2, Some(&revealed)), (2, 1, Some(&revealed)), (2, 2, None)] {
        let m = member(w.pokja.members[by], w.tenant);
        assert_eq!(
            complain(&m, &c, dealer, reveal, &crate::fixtures::cx(now())).err(),
            unfounded,
            "{by} → {dealer}"
        );
    }
}

#[test]
fn member_clients_refuse_to_open_before_the_deadline_and_grace() {
    let (w, ids, ks) = pokja(3);
    let c = confirmed(&w, &ids, dealt(&w, &ids, started(&w, &ks, None), &[]));
    let o = Opening {
        tenant_id: w.tenant,
        package_id: w.package.id,
        ceremony_id: c.id,
        bids: Vec::new(),
        partials: Vec::new(),
        started_at: now(),
        completed_at: None,
        version: 1,
    };
    let opens = now() + Duration::hours(1);
    let early = member::partials(&c, &o, 1, &ids[0], opens, now()).err();
    assert_eq!(early.map(|e| e.code()), Some("opening-too-early"));
    assert!(member::partials(&c, &o, 1, &ids[0], opens, opens).is_ok());
    // An opening of another ceremony is refused.
    let mut other = o.clone();
    other.ceremony_id = CeremonyId::new();
    assert_eq!(
        member::partials(&c, &other, 1, &ids[0], opens, opens).err(),
        Some(member::Refusal::NotThisCeremony)
    );
}

#[test]
fn a_passphrase_sealed_identity_below_the_work_factor_is_refused() {
    let (w, ids, _) = pokja(3);
    let id = &ids[0];
    let weak = seal::seal_identity_with(id, "correct horse battery staple", Some(10)).expect("seal");
    let r = id.to_public().to_string();
    let s = trust::signing_key_hex(id);
    assert_eq!(
        enrol(&w.lead(), &r, &s, Some(&weak), 18, &crate::fixtures::cx(now())).err(),
        Some(invalid("sealed_identity", "sealed-identity-work-factor"))
    );
    assert_eq!(
        enrol(&w.lead(), &r, "00", None, 18, &crate::fixtures::cx(now())).err(),
        Some(invalid("signing_key", "sealing-signing-key"))
    );
    assert!(enrol(&w.lead(), &r, &s, None, 18, &crate::fixtures::cx(now())).is_ok());
    // The demo's published passphrase may be sealed cheaply, when the caller says so.
    assert!(enrol(&w.lead(), &r, &s, Some(&weak), 10, &crate::fixtures::cx(now())).is_ok());
}

/// What the browser bundle computes (web/sealing/test/formats.mjs prints these vectors) is what
/// this side computes: keys and fingerprints from an identity, signatures, a whole signed
/// transcript, and a partial's proof under its context.
#[test]
fn the_browser_and_this_side_agree_on_every_format() {
    let v: serde_json::Value = serde_json::from_str(include_str!("vectors/browser.json")).expect("json");
    for m in v["identities"].as_array().expect("identities") {
        let id: age::x25519::Identity = m["identity"].as_str().expect("id").parse().expect("identity");
        let r = id.to_public().to_string();
        let k = trust::signing_key_hex(&id);
        assert_eq!(m["recipient"], serde_json::json!(r));
        assert_eq!(m["signing_key"], serde_json::json!(k));
        assert_eq!(
            m["member_fingerprint"],
            serde_json::json!(member_fingerprint(&r, &k))
        );
        assert_eq!(
            m["recipient_fingerprint"],
            serde_json::json!(crate::sealing::fingerprint(&r))
        );
        let sig = m["signature_of_lelang_nl"].as_str().expect("sig");
        assert_eq!(trust::sign(&id, "lelang\n"), sig, "Ed25519 is deterministic");
        assert!(trust::verify(&k, "lelang\n", sig));
    }
    let t: transcript::Transcript = serde_json::from_value(v["transcript"].clone()).expect("transcript");
    let verified = transcript::verify(&t).expect("the browser's transcript verifies here");
    assert_eq!(Some(verified.recipient.clone()), t.recipient);
    assert_eq!(
        serde_json::json!(crate::sealing::fingerprint(&verified.recipient)),
        v["tender_fingerprint"]
    );
    assert_eq!(verified.confirmed, vec![1, 2, 3]);
    let p = &v["partial"];
    let hex = |k: &str| seal::unhex32(p[k].as_str().expect("hex")).expect("32 bytes");
    let partial: PartialJson = serde_json::from_value(p["partial"].clone()).expect("partial");
    let s = seal::point(&hex("verification")).expect("point");
    let ctx = p["context"].as_str().expect("context");
    assert!(seal::verify_partial(&partial.decode().expect("hex"), &s, &hex("u"), ctx.as_bytes()).is_ok());
    assert!(
        seal::verify_partial(&partial.decode().expect("hex"), &s, &hex("u"), b"another context").is_err()
    );
}

/// A completed ceremony blocks another of the same pokja; once a member is replaced, the new
/// pokja runs its own (the old key would need a member who left).
#[test]
fn a_replaced_member_means_a_new_ceremony() {
    let (w, ids, ks) = pokja(3);
    let c = confirmed(&w, &ids, dealt(&w, &ids, started(&w, &ks, None), &[]));
    assert!(c.recipient().is_some());
    assert!(c.of(&w.pokja.members));
    assert!(!may_start_ceremony(Some(&c), &w.pokja.members, now()));
    let mut replaced = w.pokja.clone();
    let newcomer = UserId::new();
    replaced.members[2] = newcomer;
    assert!(!c.of(&replaced.members));
    assert!(may_start_ceremony(Some(&c), &replaced.members, now()));
    let newcomer_id = age::x25519::Identity::generate();
    let mut keys = ks[..2].to_vec();
    keys.push(key(newcomer, &newcomer_id));
    let (again, _) = start_ceremony(
        &w.lead(),
        w.tenant,
        w.package.id,
        Some(&replaced),
        &keys,
        false,
        Some(&c),
        None,
        &crate::fixtures::cx(now()),
    )
    .expect("a new ceremony for the new pokja");
    assert!(again.of(&replaced.members));
    assert_ne!(again.id, c.id);
}
