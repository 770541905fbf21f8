use super::*;
use crate::fixtures::{actor, cx, member, now, world};
use crate::package::HpsLine;
use crate::role::Role;

fn code<T: std::fmt::Debug>(r: Result<T, CommandError>) -> &'static str {
    match r {
        Err(CommandError::Invalid { code, .. }) => code,
        Err(CommandError::Denied(_)) => "denied",
        other => panic!("{other:?}"),
    }
}

fn checklist() -> Vec<Entry> {
    Item::ALL
        .iter()
        .map(|i| Entry {
            item: *i,
            reference: format!("{} No. 027/114/2027, 3 Februari 2027", i.code()),
        })
        .collect()
}

fn package() -> (crate::fixtures::World, Package) {
    let w = world();
    let mut p = w.package.clone();
    p.hps_breakdown = vec![HpsLine {
        description: "Beton K-250".into(),
        quantity: 100,
        unit: "m3".into(),
        unit_price: 9_000_000,
    }];
    (w, p)
}

/// Submitted, returned with notes, fixed and submitted again, accepted: each step on the record,
/// each refused out of turn.
#[test]
fn a_package_goes_back_and_forth_until_it_is_accepted() {
    let (w, p) = package();
    let head = actor(Role::UlpHead, Some(w.tenant), None, None);
    let cx = cx(now());
    let (h1, c) = submit(&w.ppk, &p, None, &checklist(), "", &cx).expect("submitted");
    assert_eq!((h1.status, h1.round, h1.version), (Status::Submitted, 1, 1));
    assert_eq!(c.events[0].event_type, "package_submitted");
    assert!(matches!(
        &c.mutations[0],
        Mutation::SaveHandover {
            read_version: None,
            ..
        }
    ));
    // Out of turn: submitted twice, accepted by the PPK, returned without real notes.
    assert_eq!(
        code(submit(&w.ppk, &p, Some(&h1), &checklist(), "again", &cx)),
        "handover-pending"
    );
    assert_eq!(code(accept(&w.ppk, &h1, &cx)), "denied");
    assert_eq!(
        code(return_to_ppk(&head, &h1, "no", &cx)),
        "handover-notes-invalid"
    );

    let notes = "Rancangan kontrak belum memuat jaminan pemeliharaan.";
    let (h2, c) = return_to_ppk(&head, &h1, notes, &cx).expect("returned");
    assert_eq!(h2.status, Status::Returned);
    assert_eq!(h2.open_notes(), Some(notes));
    assert_eq!(c.events[0].event_type, "package_returned");
    assert!(matches!(
        &c.mutations[0],
        Mutation::SaveHandover {
            read_version: Some(1),
            ..
        }
    ));
    assert_eq!(code(accept(&head, &h2, &cx)), "handover-not-submitted");
    assert!(!is_accepted(Some(&h2)));
    // A resubmission says what was fixed.
    assert_eq!(
        code(submit(&w.ppk, &p, Some(&h2), &checklist(), "  ", &cx)),
        "handover-note-invalid"
    );
    let (h3, _) = submit(
        &w.ppk,
        &p,
        Some(&h2),
        &checklist(),
        "Jaminan pemeliharaan ditambahkan.",
        &cx,
    )
    .expect("again");
    assert_eq!((h3.status, h3.round, h3.version), (Status::Submitted, 2, 3));
    assert_eq!(h3.open_notes(), None);
    let (h4, c) = accept(&head, &h3, &cx).expect("accepted");
    assert_eq!(c.events[0].event_type, "package_accepted");
    assert_eq!(h4.status, Status::Accepted);
    assert!(is_accepted(Some(&h4)) && !is_accepted(None));
    assert_eq!(
        code(submit(&w.ppk, &p, Some(&h4), &checklist(), "x", &cx)),
        "handover-already-accepted"
    );
    let kinds: Vec<&str> = h4
        .history
        .iter()
        .map(|s| match s {
            Step::Submitted { .. } => "submitted",
            Step::Returned { .. } => "returned",
            Step::Accepted { .. } => "accepted",
        })
        .collect();
    assert_eq!(kinds, ["submitted", "returned", "submitted", "accepted"]);
}

/// The checklist names every item once, each by a reference; only the package's own PPK submits,
/// and only a package with an HPS breakdown.
#[test]
fn the_checklist_is_complete_and_the_ppk_is_the_packages() {
    let (w, p) = package();
    let cx = cx(now());
    let mut missing = checklist();
    missing.retain(|e| e.item != Item::DraftContract);
    assert_eq!(
        code(submit(&w.ppk, &p, None, &missing, "", &cx)),
        "handover-item-missing"
    );
    let mut twice = checklist();
    twice.push(twice[0].clone());
    assert_eq!(
        code(submit(&w.ppk, &p, None, &twice, "", &cx)),
        "handover-item-missing"
    );
    let mut blank = checklist();
    blank[1].reference = " x ".into();
    assert_eq!(
        code(submit(&w.ppk, &p, None, &blank, "", &cx)),
        "handover-reference"
    );
    let mut hidden = checklist();
    hidden[2].reference = "KAK\u{202e}No. 1".into();
    assert_eq!(
        code(submit(&w.ppk, &p, None, &hidden, "", &cx)),
        "handover-reference"
    );
    let other_unit = actor(
        Role::CommitmentOfficer,
        Some(w.tenant),
        Some(WorkUnitId::new()),
        None,
    );
    assert_eq!(
        code(submit(&other_unit, &p, None, &checklist(), "", &cx)),
        "denied"
    );
    assert_eq!(
        code(submit(&w.ppk, &w.package, None, &checklist(), "", &cx)),
        "handover-no-breakdown"
    );
}

/// The PPK, the ULP head and the pokja write; auditors read; another work unit's PPK, another
/// regency's head and a company do neither. Mentions name participants only, once, never the
/// writer.
#[test]
fn the_conversation_is_its_participants_and_auditors_read_it() {
    let (w, p) = package();
    let head = actor(Role::UlpHead, Some(w.tenant), None, None);
    let lead = member(w.pokja.members[0], w.tenant);
    let outsider_member = member(UserId::new(), w.tenant);
    let auditor = actor(Role::Auditor, Some(w.tenant), None, None);
    let other_ppk = actor(
        Role::CommitmentOfficer,
        Some(w.tenant),
        Some(WorkUnitId::new()),
        None,
    );
    let other_head = actor(Role::UlpHead, Some(TenantId::new()), None, None);
    let people = vec![
        (w.pokja.members[0], "bwi.pokja1".to_string()),
        (w.pokja.members[1], "bwi.pokja2".to_string()),
        (head.user().expect("u").user_id, "bwi.ulp".to_string()),
    ];
    let before = Conversation {
        package: &p,
        pokja: None,
        people: &people,
    };
    let after = Conversation {
        pokja: Some(&w.pokja),
        ..before
    };
    assert!(may_post(&w.ppk, before) && may_post(&head, before));
    assert!(!may_post(&lead, before), "not the pokja before it is assigned");
    assert!(may_post(&lead, after));
    assert!(!may_post(&outsider_member, after));
    assert!(may_read(&auditor, after) && !may_post(&auditor, after));
    for nobody in [&other_ppk, &other_head, &actor(Role::Vendor, None, None, None)] {
        assert!(!may_read(nobody, after), "{nobody:?}");
    }
    let cx = cx(now());
    assert_eq!(code(post(&auditor, after, "Catatan", &cx)), "denied");
    assert_eq!(code(post(&w.ppk, after, "   ", &cx)), "message-body");
    let body = "@bwi.pokja1 dan @BWI.POKJA2, mohon cek volume beton. @bwi.pokja1 @nobody @bwi.ulp.";
    let (m, c) = post(&head, after, body, &cx).expect("posted");
    assert_eq!(m.mentions, vec![w.pokja.members[0], w.pokja.members[1]]);
    assert_eq!(c.events[0].event_type, "message_posted");
    assert_eq!(
        mentions("surel@bwi.pokja1", &people, UserId::new()),
        vec![w.pokja.members[0]]
    );
}
