//! Cases: an MoU recorded by the ULP head or the auditor; escalation from a bribery complaint,
//! from a failed mediation, or as the auditor's finding — and refused from anything else; access
//! for the named officers only, to the packages in scope only, while active: not before, not
//! after its end or the MoU's, not once revoked; every read on the log with its case public.

use super::*;
use crate::complaint::{self, Filing, Subject};
use crate::fixtures::{actor, cx, now};
use time::Duration;
use time::macros::date;

fn tenant() -> TenantId {
    TenantId::from(uuid::Uuid::from_u128(7))
}

fn package(n: u128) -> PackageId {
    PackageId::from(uuid::Uuid::from_u128(100 + n))
}

fn officer(id: UserId) -> Actor {
    Actor::User(crate::policy::UserActor {
        user_id: id,
        username: "aph".into(),
        role: Role::LawEnforcement,
        tenant_id: Some(tenant()),
        work_unit_id: None,
        vendor_id: None,
    })
}

fn mou(officers: Vec<UserId>) -> Mou {
    let ulp = actor(Role::UlpHead, Some(tenant()), None, None);
    record_mou(
        &ulp,
        tenant(),
        NewMou {
            number: "180/12/429.011/2026".into(),
            counterpart: "Kepolisian Resor Banyuwangi".into(),
            scope: "Pengawasan dan penanganan perkara pengadaan barang/jasa".into(),
            valid_from: date!(2026 - 01 - 01),
            valid_until: date!(2027 - 12 - 31),
            officers,
        },
        &cx(now()),
    )
    .expect("recorded")
    .0
}

fn complaint_of(category: complaint::Category) -> complaint::Complaint {
    complaint::file(
        &Actor::Anonymous,
        Filing {
            tenant_id: tenant(),
            category,
            subject: Subject::Tender(package(1)),
            text: "Ada permintaan uang kepada peserta tender.".into(),
            anonymous: true,
            identity: None,
        },
        "PGD-2026-0001".into(),
        complaint::code_hash("X"),
        now() + Duration::days(7),
        &cx(now()),
    )
    .expect("filed")
    .0
}

fn escalation(c: Option<complaint::Complaint>, officers: Vec<UserId>) -> Escalation {
    Escalation {
        complaint: c,
        summary: "Dugaan suap pada tender jalan desa.".into(),
        packages: vec![package(1)],
        officers,
        closes: now() + Duration::days(30),
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, CommandError>) -> &'static str {
    match r {
        Err(CommandError::Invalid { code, .. }) => code,
        Err(CommandError::Denied(_)) => "forbidden",
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn only_the_ulp_head_and_the_auditor_record_mous() {
    let (a, b) = (UserId::new(), UserId::new());
    let m = mou(vec![b, a, a]);
    assert_eq!(m.officers.len(), 2, "deduplicated");
    for role in [
        Role::PokjaMember,
        Role::LawEnforcement,
        Role::TenantAdmin,
        Role::Vendor,
    ] {
        let r = record_mou(
            &actor(role, Some(tenant()), None, None),
            tenant(),
            NewMou {
                number: "1".into(),
                counterpart: "Kejaksaan Negeri".into(),
                scope: "Semua".into(),
                valid_from: date!(2026 - 01 - 01),
                valid_until: date!(2026 - 12 - 31),
                officers: vec![a],
            },
            &cx(now()),
        );
        assert_eq!(refused(r), "forbidden", "{role:?}");
    }
    assert!(m.in_force(now()));
    assert!(!m.in_force(time::macros::datetime!(2028-01-01 00:00 UTC)));
}

#[test]
fn a_bribery_complaint_escalates_and_grants_exactly_its_scope_while_active() {
    let (o, other) = (UserId::new(), UserId::new());
    let m = mou(vec![o, other]);
    let ulp = actor(Role::UlpHead, Some(tenant()), None, None);
    let c = complaint_of(complaint::Category::Bribery);
    let (case, changed, change) = escalate(
        &ulp,
        &m,
        escalation(Some(c.clone()), vec![o]),
        "KAS-2026-0001".into(),
        &cx(now()),
    )
    .expect("escalated");
    assert_eq!(case.ground, Ground::NotMediable);
    assert_eq!(changed.expect("complaint").status, complaint::Status::Escalated);
    assert_eq!(change.mutations.len(), 2);
    let at = now() + Duration::days(1);
    assert!(case.grants(&m, &officer(o), package(1), at));
    assert!(!case.grants(&m, &officer(o), package(2), at), "outside the scope");
    assert!(
        !case.grants(&m, &officer(other), package(1), at),
        "an officer not named"
    );
    let auditor = actor(Role::Auditor, Some(tenant()), None, None);
    assert!(!case.grants(&m, &auditor, package(1), at), "not law enforcement");
    assert!(
        !case.grants(&m, &officer(o), package(1), now() - Duration::seconds(1)),
        "before"
    );
    assert!(!case.grants(&m, &officer(o), package(1), case.closes), "expired");
    // A read is logged with its case; outside the grant it is refused.
    let ch = read(&officer(o), &case, &m, Some(package(1)), "events", &cx(at)).expect("read");
    assert!(ch.events[0].payload.contains(&case.id.0.to_string()));
    assert_eq!(
        refused(read(&officer(o), &case, &m, Some(package(2)), "events", &cx(at))),
        "forbidden"
    );
    // Revoked: nothing more; only the ULP head or the auditor revokes, once.
    let pokja = actor(Role::PokjaMember, Some(tenant()), None, None);
    assert_eq!(
        refused(revoke(&pokja, &case, "Selesai diperiksa.", &cx(at))),
        "forbidden"
    );
    let (revoked, _) = revoke(&auditor, &case, "Penyidikan dihentikan.", &cx(at)).expect("revoked");
    assert!(!revoked.grants(&m, &officer(o), package(1), at + Duration::seconds(1)));
    assert_eq!(
        refused(revoke(&auditor, &revoked, "Lagi.", &cx(at))),
        "case-revoked-already"
    );
    assert_eq!(
        refused(read(
            &officer(o),
            &revoked,
            &m,
            Some(package(1)),
            "events",
            &cx(at)
        )),
        "forbidden"
    );
}

#[test]
fn only_what_must_not_or_could_not_be_mediated_escalates() {
    let o = UserId::new();
    let m = mou(vec![o]);
    let ulp = actor(Role::UlpHead, Some(tenant()), None, None);
    let auditor = actor(Role::Auditor, Some(tenant()), None, None);
    // A process complaint not yet mediated, a finding by the ULP head, an officer not in the MoU,
    // a scope left empty, a period too long, an MoU no longer in force.
    let process = complaint_of(complaint::Category::Process);
    assert_eq!(
        refused(escalate(
            &ulp,
            &m,
            escalation(Some(process), vec![o]),
            "n".into(),
            &cx(now())
        )),
        "case-complaint-not-escalable"
    );
    assert_eq!(
        refused(escalate(
            &ulp,
            &m,
            escalation(None, vec![o]),
            "n".into(),
            &cx(now())
        )),
        "case-finding-by-auditor"
    );
    assert_eq!(
        refused(escalate(
            &auditor,
            &m,
            escalation(None, vec![UserId::new()]),
            "n".into(),
            &cx(now())
        )),
        "case-officer-not-in-mou"
    );
    let mut empty = escalation(None, vec![o]);
    empty.packages.clear();
    assert_eq!(
        refused(escalate(&auditor, &m, empty, "n".into(), &cx(now()))),
        "invalid-case-scope"
    );
    let mut long = escalation(None, vec![o]);
    long.closes = now() + Duration::days(MAX_ACCESS_DAYS + 1);
    assert_eq!(
        refused(escalate(&auditor, &m, long, "n".into(), &cx(now()))),
        "invalid-case-period"
    );
    let late = cx(time::macros::datetime!(2028-01-02 00:00 UTC));
    let mut x = escalation(None, vec![o]);
    x.closes = late.now + Duration::days(1);
    assert_eq!(
        refused(escalate(&auditor, &m, x, "n".into(), &late)),
        "mou-not-in-force"
    );
    let (case, _, _) = escalate(
        &auditor,
        &m,
        escalation(None, vec![o]),
        "KAS-2026-0002".into(),
        &cx(now()),
    )
    .expect("a finding");
    assert_eq!(case.ground, Ground::Finding);
    for role in [Role::PokjaMember, Role::LawEnforcement, Role::CommitmentOfficer] {
        let a = actor(role, Some(tenant()), None, None);
        assert_eq!(
            refused(escalate(
                &a,
                &m,
                escalation(None, vec![o]),
                "n".into(),
                &cx(now())
            )),
            "forbidden"
        );
    }
}
