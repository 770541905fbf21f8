//! Complaint scenarios: filed anonymously, by name and by a signed-in company; followed with the
//! code; triaged every way (accepted and closed, asked for more and answered, rejected, merged);
//! the answer's due date and the timer's overdue entry; and what each event publishes.

use super::*;
use crate::fixtures::{actor, cx, now, rules};
use crate::role::Role;
use time::Duration;
use time::macros::datetime;

const CODE: &str = "K7QX-M2PD-9RTA-44VB-HZ3N";
const TEXT: &str = "Panitia meminta uang pelicin sebelum pembukaan penawaran paket jalan desa.";

fn tenant() -> TenantId {
    TenantId::from(uuid::Uuid::from_u128(7))
}

fn filing(anonymous: bool, identity: Option<(&str, &str)>) -> Filing {
    Filing {
        tenant_id: tenant(),
        category: Category::Bribery,
        subject: Subject::Tender(PackageId::from(uuid::Uuid::from_u128(9))),
        text: TEXT.into(),
        anonymous,
        identity: identity.map(|(n, c)| (n.into(), c.into())),
    }
}

fn due() -> OffsetDateTime {
    answer_due(&rules(), now(), TimeZone::Wib, &WorkingCalendar::default())
}

fn filed(by: &Actor, f: Filing) -> (Complaint, Change<Mutation>) {
    file(by, f, "PGD-2026-0001".into(), code_hash(CODE), due(), &cx(now())).expect("filed")
}

fn auditor() -> Actor {
    actor(Role::Auditor, Some(tenant()), None, None)
}

fn refused<T: std::fmt::Debug>(r: Result<T, CommandError>) -> &'static str {
    match r {
        Err(CommandError::Invalid { code, .. }) => code,
        Err(CommandError::Denied(Denied::Forbidden)) => "forbidden",
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_first_answer_is_due_five_working_days_after_the_day_it_came() {
    // Filed Monday 2 November 09:00 WIB: Tuesday to the next Monday, skipping the weekend, ends on
    // Monday 9 November at 16:00 WIB (09:00 UTC).
    assert_eq!(due(), datetime!(2026-11-09 09:00 UTC));
    let holiday = WorkingCalendar::new([crate::calendar::DayOff {
        date: time::macros::date!(2026 - 11 - 05),
        kind: crate::calendar::DayOffKind::Holiday,
        name: "libur".into(),
    }]);
    assert_eq!(
        answer_due(&rules(), now(), TimeZone::Wib, &holiday),
        datetime!(2026-11-10 09:00 UTC)
    );
}

#[test]
fn an_anonymous_complaint_keeps_nothing_of_who_sent_it() {
    // Signed out, anonymous: no actor on the event, no identity anywhere.
    let (c, change) = filed(
        &Actor::Anonymous,
        filing(true, Some(("Budi Santoso", "Jl. Melati 3"))),
    );
    assert_eq!(c.complainant, Complainant::Anonymous);
    assert_eq!(c.status, Status::Received);
    assert_eq!(
        (change.events[0].actor_id, change.events[0].actor_role),
        (None, None)
    );
    let stored = format!("{c:?}{change:?}");
    assert!(!stored.contains("Budi") && !stored.contains("Melati"), "{stored}");
    // Signed in but asking to stay anonymous: the user is not kept either.
    let vendor = actor(
        Role::Vendor,
        None,
        None,
        Some(VendorId::from(uuid::Uuid::from_u128(3))),
    );
    let (c, change) = filed(&vendor, filing(true, None));
    assert_eq!(c.complainant, Complainant::Anonymous);
    assert_eq!(change.events[0].actor_id, None);
    // The code follows it; a wrong code and a stranger do not.
    assert!(Follower::Code(CODE).follows(&c));
    assert!(Follower::Code(&format!(" {} ", CODE.to_lowercase().replace('-', " "))).follows(&c));
    assert!(!Follower::Code("K7QX-M2PD-9RTA-44VB-HZ3M").follows(&c));
    assert!(!Follower::Code("").follows(&c));
    assert!(!Follower::Actor(&vendor).follows(&c));
    assert!(may_read(Follower::Actor(&auditor()), &c));
    let other_regency = actor(
        Role::Auditor,
        Some(TenantId::from(uuid::Uuid::from_u128(8))),
        None,
        None,
    );
    assert!(!may_read(Follower::Actor(&other_regency), &c));
    for role in [
        Role::UlpHead,
        Role::PokjaMember,
        Role::LawEnforcement,
        Role::TenantAdmin,
    ] {
        assert!(!may_read(
            Follower::Actor(&actor(role, Some(tenant()), None, None)),
            &c
        ));
    }
}

#[test]
fn a_named_or_signed_in_complainant_is_kept_for_the_auditor() {
    let (c, _) = filed(
        &Actor::Anonymous,
        filing(false, Some(("Budi Santoso", "budi@example.id"))),
    );
    assert_eq!(
        c.complainant,
        Complainant::Named {
            name: "Budi Santoso".into(),
            contact: "budi@example.id".into()
        }
    );
    // Signed out and not anonymous needs a name; a bad contact is refused.
    let no_name = file(
        &Actor::Anonymous,
        filing(false, None),
        "n".into(),
        code_hash(CODE),
        due(),
        &cx(now()),
    );
    assert_eq!(refused(no_name), "complaint-identity-missing");
    let bad = file(
        &Actor::Anonymous,
        filing(false, Some(("Budi", "x\u{0}y.zzz"))),
        "n".into(),
        code_hash(CODE),
        due(),
        &cx(now()),
    );
    assert_eq!(refused(bad), "invalid-complaint-contact");
    let v = VendorId::from(uuid::Uuid::from_u128(3));
    let vendor = actor(Role::Vendor, None, None, Some(v));
    let (c, change) = filed(&vendor, filing(false, None));
    let user = vendor.user().expect("user").user_id;
    assert_eq!(
        c.complainant,
        Complainant::User {
            user_id: user,
            vendor_id: Some(v)
        }
    );
    assert_eq!(change.events[0].actor_id, Some(user));
    assert!(Follower::Actor(&vendor).follows(&c));
    // Law enforcement reads only; short text and a malformed code hash are refused.
    let law = actor(Role::LawEnforcement, Some(tenant()), None, None);
    assert_eq!(
        refused(file(
            &law,
            filing(true, None),
            "n".into(),
            code_hash(CODE),
            due(),
            &cx(now())
        )),
        "forbidden"
    );
    let mut short = filing(true, None);
    short.text = "pendek".into();
    assert_eq!(
        refused(file(
            &Actor::Anonymous,
            short,
            "n".into(),
            code_hash(CODE),
            due(),
            &cx(now())
        )),
        "invalid-complaint-text"
    );
    assert_eq!(
        refused(file(
            &Actor::Anonymous,
            filing(true, None),
            "n".into(),
            "abc".into(),
            due(),
            &cx(now())
        )),
        "invalid-complaint-code"
    );
}

#[test]
fn asked_for_more_the_complainant_answers_and_it_is_accepted_then_closed() {
    let (c, _) = filed(&Actor::Anonymous, filing(true, None));
    let later = cx(now() + Duration::days(1));
    let a = auditor();
    // Only the regency's auditor triages; the complainant cannot.
    let pokja = actor(Role::PokjaMember, Some(tenant()), None, None);
    assert_eq!(
        refused(triage(
            &pokja,
            &c,
            Decision::Accept,
            "Diterima untuk ditangani.",
            None,
            &later
        )),
        "forbidden"
    );
    let (c, change) = triage(
        &a,
        &c,
        Decision::AskMore,
        "Mohon sebutkan tanggal kejadian.",
        None,
        &later,
    )
    .expect("asked");
    assert_eq!(c.status, Status::AwaitingInformation);
    assert_eq!(c.first_answer_at, Some(later.now));
    assert_eq!(c.version, 2);
    assert!(matches!(
        &change.mutations[0],
        Mutation::PutComplaint { read_version: 1, .. }
    ));
    // Accepting is not a decision while it waits for the complainant.
    assert_eq!(
        refused(triage(
            &a,
            &c,
            Decision::Accept,
            "Diterima untuk ditangani.",
            None,
            &later
        )),
        "complaint-decision-not-now"
    );
    // A stranger's code cannot reply; the right code can, and it goes back to the auditor.
    assert_eq!(
        refused(reply(
            Follower::Code("salah"),
            &Actor::Anonymous,
            &c,
            "Tanggal 1 November 2026.",
            &later
        )),
        "forbidden"
    );
    let (c, change) = reply(
        Follower::Code(CODE),
        &Actor::Anonymous,
        &c,
        "Tanggal 1 November 2026 pukul 10.",
        &later,
    )
    .expect("replied");
    assert_eq!(c.status, Status::Received);
    assert_eq!(change.events[0].actor_id, None);
    let (c, _) = triage(
        &a,
        &c,
        Decision::Accept,
        "Diterima untuk ditangani.",
        None,
        &later,
    )
    .expect("accepted");
    assert_eq!(c.status, Status::Accepted);
    // The first answer stays the first.
    assert_eq!(c.first_answer_at, Some(later.now));
    let (c, _) = triage(
        &a,
        &c,
        Decision::Close,
        "Sudah ditindaklanjuti Inspektorat.",
        None,
        &later,
    )
    .expect("closed");
    assert_eq!(c.status, Status::Closed);
    assert!(decisions(&c).is_empty());
    assert_eq!(
        refused(reply(
            Follower::Code(CODE),
            &Actor::Anonymous,
            &c,
            "Tambahan keterangan saya.",
            &later
        )),
        "complaint-closed"
    );
    assert_eq!(c.notes.len(), 4);
}

#[test]
fn a_duplicate_merges_into_an_open_complaint_of_the_same_regency_and_a_rejection_ends_it() {
    let (first, _) = filed(&Actor::Anonymous, filing(true, None));
    let (second, _) = filed(&Actor::Anonymous, filing(true, None));
    let a = auditor();
    let at = cx(now() + Duration::hours(3));
    assert_eq!(
        refused(triage(
            &a,
            &second,
            Decision::Merge,
            "Sama dengan pengaduan lain.",
            None,
            &at
        )),
        "complaint-merge-target-missing"
    );
    assert_eq!(
        refused(triage(
            &a,
            &second,
            Decision::Merge,
            "Sama dengan pengaduan lain.",
            Some(&second),
            &at
        )),
        "complaint-merge-target-invalid"
    );
    let (merged, change) = triage(
        &a,
        &second,
        Decision::Merge,
        "Sama dengan pengaduan lain.",
        Some(&first),
        &at,
    )
    .expect("merged");
    assert_eq!(merged.status, Status::Merged { into: first.id });
    assert!(format!("{:?}", change.events[0]).contains("complaint_triaged"));
    // A merged complaint cannot take another: merging into it is refused.
    let (third, _) = filed(&Actor::Anonymous, filing(true, None));
    assert_eq!(
        refused(triage(
            &a,
            &third,
            Decision::Merge,
            "Sama dengan pengaduan lain.",
            Some(&merged),
            &at
        )),
        "complaint-merge-target-invalid"
    );
    let (rejected, _) = triage(
        &a,
        &third,
        Decision::Reject,
        "Bukan kewenangan APIP kabupaten.",
        None,
        &at,
    )
    .expect("rejected");
    assert_eq!(rejected.status, Status::Rejected);
    assert_eq!(rejected.status.code(), "rejected");
}

#[test]
fn evidence_is_checked_like_a_document_and_bounded() {
    let (mut c, _) = filed(&Actor::Anonymous, filing(true, None));
    let at = cx(now());
    let file_named = |name: &str| Evidence {
        filename: name.into(),
        media_type: String::new(),
        size: 1000,
        sha256: "ab".repeat(32),
        at: now(),
    };
    assert_eq!(
        refused(add_evidence(
            Follower::Code(CODE),
            &Actor::Anonymous,
            &c,
            file_named("../x.pdf"),
            5000,
            &at
        )),
        "invalid-filename"
    );
    assert_eq!(
        refused(add_evidence(
            Follower::Code(CODE),
            &Actor::Anonymous,
            &c,
            file_named("bukti.pdf"),
            500,
            &at
        )),
        "invalid-file-size"
    );
    for i in 0..MAX_EVIDENCE {
        let (n, _) = add_evidence(
            Follower::Code(CODE),
            &Actor::Anonymous,
            &c,
            file_named(&format!("bukti-{i}.pdf")),
            5000,
            &at,
        )
        .expect("added");
        c = n;
    }
    assert_eq!(c.evidence[0].media_type, "application/pdf");
    assert_eq!(
        refused(add_evidence(
            Follower::Code(CODE),
            &Actor::Anonymous,
            &c,
            file_named("lagi.pdf"),
            5000,
            &at
        )),
        "too-much-evidence"
    );
}

#[test]
fn the_timer_logs_a_missed_first_answer_once_and_never_an_answered_one() {
    let (c, _) = filed(&Actor::Anonymous, filing(true, None));
    assert!(overdue(&c, &cx(c.answer_due)).expect("decided").is_none());
    let late = cx(c.answer_due + Duration::minutes(1));
    let (o, change) = overdue(&c, &late).expect("decided").expect("overdue");
    assert!(o.overdue);
    assert_eq!(
        (change.events[0].actor_id, change.events[0].actor_role),
        (None, None)
    );
    assert!(overdue(&o, &late).expect("decided").is_none());
    // Answered late: the triage says so, and the timer has nothing more to say.
    let (answered, change) = triage(
        &auditor(),
        &c,
        Decision::Accept,
        "Diterima untuk ditangani.",
        None,
        &late,
    )
    .expect("accepted");
    assert!(
        change.events[0].payload.contains("\"late\":true"),
        "{}",
        change.events[0].payload
    );
    assert!(answered.answer_late(late.now));
    assert!(
        overdue(&answered, &cx(late.now + Duration::days(9)))
            .expect("decided")
            .is_none()
    );
}

#[test]
fn a_code_is_24_unambiguous_characters_in_groups_of_four() {
    let code = format_code([0xff; 15]);
    assert_eq!(code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    assert_eq!(format_code([0; 15]), "0000-0000-0000-0000-0000-0000");
    // 0x08 = 00001000: the first five bits 00001 are "1", the next five begin 000...
    assert!(format_code([0x08; 15]).starts_with("1"));
    let code = format_code(*b"complaint-code!");
    assert!(
        code.chars()
            .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
    );
    assert_eq!(code.len(), 29);
}

#[test]
fn the_public_log_holds_commitments_to_every_private_field() {
    let rules = EVENT_RULES;
    for r in rules {
        for f in r.fields {
            let private = matches!(
                f.field,
                "text" | "complainant" | "note" | "filename" | "sha256" | "place" | "reason" | "subject"
            );
            assert_eq!(
                private,
                f.visibility == crate::privacy::table::COMPLAINT,
                "{} {}",
                r.event_type,
                f.field
            );
        }
    }
}

mod mediating {
    use super::*;
    use crate::complaint::mediation::{self, Conclusion, Held, Party, PartyKind};

    fn ppk_user() -> UserId {
        UserId::from(uuid::Uuid::from_u128(41))
    }

    fn as_ppk() -> Actor {
        Actor::User(crate::policy::UserActor {
            user_id: ppk_user(),
            username: "ppk".into(),
            role: Role::CommitmentOfficer,
            tenant_id: Some(tenant()),
            work_unit_id: None,
            vendor_id: None,
        })
    }

    fn process_complaint() -> Complaint {
        let mut f = filing(true, None);
        f.category = Category::Process;
        filed(&Actor::Anonymous, f).0
    }

    /// Opened by the auditor with themself as mediator, one session held with the complainant
    /// (by code) and the PPK, its minutes approved by both.
    fn mediated_to_minutes() -> (Complaint, Actor) {
        let a = auditor();
        let me = a.user().expect("user").user_id;
        let c = process_complaint();
        let at = cx(now());
        let ppk = Party {
            kind: PartyKind::Ppk,
            users: vec![ppk_user()],
        };
        let (c, _) = mediation::open(&a, &c, me, vec![ppk], &at).expect("opened");
        assert_eq!(c.status, Status::InMediation);
        let session = now() + Duration::days(2);
        let (c, _) = mediation::schedule(&a, &c, session, "Ruang rapat Inspektorat", &at).expect("scheduled");
        assert_eq!(
            refused(mediation::record(&a, &c, held(), &at)),
            "mediation-session-not-yet"
        );
        let then = cx(session + Duration::hours(2));
        let (c, change) = mediation::record(&a, &c, held(), &then).expect("recorded");
        let sha = &mediation::current(&c).expect("m").sessions[0]
            .record
            .as_ref()
            .expect("r")
            .minutes_sha256;
        assert!(
            change.events[0].payload.contains(sha.as_str()),
            "the minutes' hash is on the log"
        );
        // Concluding needs both approvals; a stranger cannot approve; each party once.
        assert_eq!(
            refused(mediation::conclude(
                &a,
                &c,
                Conclusion::NoAgreement("Tidak sepakat.".into()),
                &then
            )),
            "mediation-minutes-not-approved"
        );
        let stranger = actor(Role::PokjaMember, Some(tenant()), None, None);
        assert_eq!(
            refused(mediation::approve(
                Follower::Actor(&stranger),
                &stranger,
                &c,
                &then
            )),
            "forbidden"
        );
        let (c, change) =
            mediation::approve(Follower::Code(CODE), &Actor::Anonymous, &c, &then).expect("complainant");
        assert_eq!(
            change.events[0].actor_id, None,
            "an anonymous approval names nobody"
        );
        assert_eq!(
            refused(mediation::approve(
                Follower::Code(CODE),
                &Actor::Anonymous,
                &c,
                &then
            )),
            "mediation-approved-already"
        );
        let (c, _) = mediation::approve(Follower::Actor(&as_ppk()), &as_ppk(), &c, &then).expect("ppk");
        (c, a)
    }

    fn held() -> Held {
        Held {
            attended: vec![PartyKind::Complainant, PartyKind::Ppk],
            positions: vec![
                (
                    PartyKind::Complainant,
                    "Jadwal diubah tanpa pemberitahuan.".into(),
                ),
                (PartyKind::Ppk, "Perubahan diumumkan di SPSE.".into()),
            ],
            minutes: "Para pihak hadir; PPK bersedia mengumumkan ulang jadwal.".into(),
        }
    }

    #[test]
    fn bribery_is_never_mediated_and_only_the_auditor_or_ulp_head_opens() {
        let c = filed(&Actor::Anonymous, filing(true, None)).0;
        let a = auditor();
        let me = a.user().expect("user").user_id;
        assert_eq!(
            refused(mediation::open(&a, &c, me, vec![], &cx(now()))),
            "complaint-not-mediable"
        );
        let c = process_complaint();
        let pokja = actor(Role::PokjaMember, Some(tenant()), None, None);
        assert_eq!(
            refused(mediation::open(&pokja, &c, me, vec![], &cx(now()))),
            "forbidden"
        );
        assert_eq!(
            refused(mediation::open(&a, &c, me, vec![], &cx(now()))),
            "mediation-needs-parties"
        );
        let ulp = actor(Role::UlpHead, Some(tenant()), None, None);
        let named = UserId::new();
        let party = Party {
            kind: PartyKind::Pokja,
            users: vec![],
        };
        // The ULP head names a mediator only once the auditor accepted the complaint, and never
        // one of the parties.
        assert_eq!(
            refused(mediation::open(&ulp, &c, named, vec![party.clone()], &cx(now()))),
            "complaint-decision-not-now"
        );
        let (c, _) = triage(
            &a,
            &c,
            Decision::Accept,
            "Diterima untuk ditangani.",
            None,
            &cx(now()),
        )
        .expect("accepted");
        let ppk = Party {
            kind: PartyKind::Ppk,
            users: vec![ppk_user()],
        };
        assert_eq!(
            refused(mediation::open(&ulp, &c, ppk_user(), vec![ppk], &cx(now()))),
            "mediation-mediator-is-party"
        );
        let (c, _) = mediation::open(&ulp, &c, named, vec![party], &cx(now())).expect("named a mediator");
        assert!(
            !may_read(Follower::Actor(&as_ppk()), &c),
            "the PPK is no party here"
        );
        // Only the named mediator schedules.
        assert_eq!(
            refused(mediation::schedule(
                &a,
                &c,
                now() + Duration::days(1),
                "Aula",
                &cx(now())
            )),
            "forbidden"
        );
    }

    #[test]
    fn an_agreement_settles_and_an_undone_action_is_flagged_and_reopens() {
        let (c, a) = mediated_to_minutes();
        let at = cx(now() + Duration::days(3));
        let due = now() + Duration::days(10);
        let agreed = Conclusion::Agreement(vec![
            (PartyKind::Ppk, "Mengumumkan ulang jadwal pembuktian.".into(), due),
            (
                PartyKind::Complainant,
                "Mencabut pengaduan setelah pengumuman.".into(),
                due,
            ),
        ]);
        let (c, _) = mediation::conclude(&a, &c, agreed, &at).expect("settled");
        assert_eq!(c.status, Status::Settled);
        assert!(!c.status.is_open());
        // The PPK reports its action done; it cannot report the complainant's.
        let (c, _) = mediation::action_done(Follower::Actor(&as_ppk()), &as_ppk(), &c, 0, &at).expect("done");
        assert_eq!(
            refused(mediation::action_done(
                Follower::Actor(&as_ppk()),
                &as_ppk(),
                &c,
                1,
                &at
            )),
            "forbidden"
        );
        // Not yet due: nothing flagged, nothing to reopen for.
        assert!(mediation::overdue_actions(&c, &at).expect("decided").is_none());
        assert_eq!(
            refused(mediation::reopen(&a, &c, "Belum dicabut.", &at)),
            "mediation-nothing-overdue"
        );
        let late = cx(due + Duration::hours(1));
        let (c, change) = mediation::overdue_actions(&c, &late)
            .expect("decided")
            .expect("one overdue");
        assert_eq!(change.events.len(), 1, "only the action not done");
        assert!(
            mediation::overdue_actions(&c, &late).expect("decided").is_none(),
            "once"
        );
        let (c, _) = mediation::reopen(&a, &c, "Pengadu tidak mencabut pengaduan.", &late).expect("reopened");
        assert_eq!(c.status, Status::Accepted);
        // An agreement not kept is a failed mediation: the complaint may go to law enforcement.
        assert!(mediation::failed(&c));
        // The mediation over, its parties read the complaint no more.
        assert!(!may_read(Follower::Actor(&as_ppk()), &c));
    }

    #[test]
    fn no_agreement_returns_it_to_the_auditor_who_may_escalate() {
        let (c, a) = mediated_to_minutes();
        assert!(!mediation::failed(&c));
        let (c, _) = mediation::conclude(
            &a,
            &c,
            Conclusion::NoAgreement("PPK menolak mengumumkan ulang.".into()),
            &cx(now() + Duration::days(3)),
        )
        .expect("ended");
        assert_eq!(c.status, Status::Accepted);
        assert!(mediation::failed(&c));
        assert_eq!(c.mediations.len(), 1);
    }
}
