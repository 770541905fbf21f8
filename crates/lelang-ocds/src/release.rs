//! Public events → OCDS releases.
//!
//! A release carries what its event changed (OCDS allows releases to hold only new or changed
//! information; the compiled release gives the whole state). The contracting process is the
//! package: from its preparation (a `planning` release) through its tender's announcement,
//! amendments, clarifications, closing and opening. Names of the regency, the work unit and the
//! companies come from earlier events, kept in a [`Directory`] as the log is folded.

use crate::Publication;
use lelang_core::evaluation::{self, rank::AwardRecord, rank::BidStatus};
use lelang_core::event::Event;
use lelang_core::ids::{PackageId, TenantId, VendorId, WorkUnitId};
use lelang_core::model::TimeZone;
use lelang_core::rules::{Category, EvaluationMethod, Method, StageKind};
use lelang_core::schedule::{PlannedStage, Schedule, WorkingHours};
use lelang_core::sealing::opening;
use lelang_core::store::OcdsRelease;
use lelang_core::{
    EventPayload, cancellation, clarification, directory, document, package, pokja, submission, tender,
};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// What the fold remembers between events: names for the parties, and which tenders are
/// announced (a schedule change before the announcement is a planning update, after it a tender
/// amendment).
#[derive(Debug, Default, Clone)]
struct Directory {
    tenants: HashMap<TenantId, (String, TimeZone)>,
    work_units: HashMap<WorkUnitId, String>,
    vendors: HashMap<VendorId, String>,
    announced: HashSet<PackageId>,
}

/// Folds the event log into releases. Deterministic: the same log gives the same releases, on
/// any app server, from scratch or resumed.
#[derive(Debug, Clone)]
pub struct Publisher {
    publication: Publication,
    directory: Directory,
    folded: i64,
}

/// The event types the fold reads; everything else is passed over without being parsed (the
/// deadline rush appends many commitments that publish nothing until the opening). A type that
/// `release_of` maps must be listed here, or its releases silently never appear: the unit test
/// below folds one event of every mapped type and expects its release.
const READ: [&str; 18] = [
    "tenant_created",
    "work_unit_created",
    "vendor_registered",
    "package_created",
    "pokja_assigned",
    "tender_scheduled",
    "schedule_changed",
    "tender_announced",
    "document_published",
    "question_asked",
    "question_answered",
    "submission_closed",
    "opening_started",
    "bid_opened",
    "award_announced",
    "tender_failed",
    "evaluation_restarted",
    "tender_cancelled",
];

impl Publisher {
    /// A publisher that has folded nothing yet.
    pub fn new(publication: Publication) -> Self {
        Self {
            publication,
            directory: Directory::default(),
            folded: 0,
        }
    }

    /// The publication it writes for.
    pub fn publication(&self) -> &Publication {
        &self.publication
    }

    /// The position of the last event folded.
    pub fn folded(&self) -> i64 {
        self.folded
    }

    /// Folds the next event of the log; its release, if it publishes one. Events must come in
    /// log order: one already folded is ignored.
    pub fn fold(&mut self, event: &Event) -> Option<OcdsRelease> {
        if event.seq <= self.folded {
            return None;
        }
        self.folded = event.seq;
        if !READ.contains(&event.event_type.as_str()) {
            return None;
        }
        let payload = event.parsed().ok()?;
        let (package, body) = self.release_of(event, &payload)?;
        Some(OcdsRelease {
            seq: event.seq,
            ocid: self.publication.ocid(package),
            tenant_id: event.tenant_id,
            body: serde_json::to_string(&body).ok()?,
        })
    }

    fn release_of(&mut self, e: &Event, payload: &EventPayload) -> Option<(PackageId, Value)> {
        let d = &mut self.directory;
        let p = &self.publication;
        let (package, tags, fields) = match payload {
            EventPayload::Directory(directory::Event::TenantCreated {
                tenant_id,
                name,
                time_zone,
                ..
            }) => {
                d.tenants.insert(*tenant_id, (name.clone(), *time_zone));
                return None;
            }
            EventPayload::Directory(directory::Event::WorkUnitCreated {
                work_unit_id, name, ..
            }) => {
                d.work_units.insert(*work_unit_id, name.clone());
                return None;
            }
            EventPayload::Directory(directory::Event::VendorRegistered { vendor_id, name, .. }) => {
                d.vendors.insert(*vendor_id, name.clone());
                return None;
            }
            EventPayload::Package(package::Event::PackageCreated {
                package_id,
                plan_item_id,
                work_unit_id,
                name,
                budget_ceiling,
                owner_estimate,
                location,
                repeat_of,
                ..
            }) => {
                let mut parties = vec![d.buyer(*work_unit_id)];
                parties.extend(d.procuring_entity(e.tenant_id));
                let mut fields = json!({
                        "buyer": reference(&parties[0]),
                        "parties": parties,
                        "planning": {
                            "budget": {
                                "id": plan_item_id.0.to_string(),
                                "description": format!("RUP: {name}"),
                                "amount": idr(*budget_ceiling),
                            },
                        },
                        "tender": {
                            "id": package_id.0.to_string(),
                            "title": name,
                            "description": format!("{name} — {location}"),
                            "status": "planning",
                            "value": idr(*owner_estimate),
                        },
                });
                // A repeat tender names the process that failed before it.
                if let Some(failed) = repeat_of {
                    fields["relatedProcesses"] = json!([{
                        "id": "1",
                        "relationship": ["unsuccessfulProcess"],
                        "title": "Tender gagal yang diulang",
                        "scheme": "ocid",
                        "identifier": p.ocid(*failed),
                    }]);
                }
                (*package_id, "planning", fields)
            }
            EventPayload::Pokja(pokja::Event::PokjaAssigned { package_id, .. }) => {
                let entity = d.procuring_entity(e.tenant_id)?;
                (
                    *package_id,
                    "planningUpdate",
                    json!({
                        "tender": { "id": package_id.0.to_string(), "procuringEntity": reference(&entity) },
                        "parties": [entity],
                    }),
                )
            }
            EventPayload::Tender(tender::Event::TenderScheduled {
                package_id,
                method,
                evaluation,
                stages,
            }) => {
                let mut tender = json!({
                    "id": package_id.0.to_string(),
                    "status": "planned",
                    "procurementMethod": procurement_method(*method),
                    "procurementMethodDetails": method_name(*method),
                    "awardCriteria": award_criteria(*evaluation),
                    "awardCriteriaDetails": evaluation_name(*evaluation),
                    "submissionMethod": ["electronicSubmission"],
                    "submissionMethodDetails": "Penawaran disegel (age) dan diunggah melalui lelang.",
                });
                d.periods(e.tenant_id, stages, &mut tender);
                (*package_id, "planningUpdate", json!({ "tender": tender }))
            }
            EventPayload::Tender(tender::Event::ScheduleChanged {
                package_id,
                stage,
                reason,
                submission_extended,
                stages,
            }) => {
                let mut tender = json!({ "id": package_id.0.to_string() });
                d.periods(e.tenant_id, stages, &mut tender);
                let announced = d.announced.contains(package_id);
                if announced {
                    let mut description = format!("Jadwal tahap {} diubah.", stage_name(*stage));
                    if *submission_extended {
                        description.push_str(" Batas akhir pemasukan penawaran diperpanjang.");
                    }
                    tender["amendments"] = json!([{
                        "id": e.id.0.to_string(),
                        "date": date(e.at),
                        "rationale": reason,
                        "description": description,
                    }]);
                }
                let tag = if announced {
                    "tenderAmendment"
                } else {
                    "planningUpdate"
                };
                (*package_id, tag, json!({ "tender": tender }))
            }
            EventPayload::Tender(tender::Event::TenderAnnounced {
                package_id,
                name,
                work_unit_id,
                category,
                method,
                owner_estimate,
                submission_deadline,
                ..
            }) => {
                d.announced.insert(*package_id);
                let mut parties = vec![d.buyer(*work_unit_id)];
                let entity = d.procuring_entity(e.tenant_id);
                parties.extend(entity.clone());
                let mut tender = json!({
                    "id": package_id.0.to_string(),
                    "title": name,
                    "status": "active",
                    "mainProcurementCategory": main_category(*category),
                    "procurementMethod": procurement_method(*method),
                    "procurementMethodDetails": method_name(*method),
                    "value": idr(*owner_estimate),
                    "submissionMethod": ["electronicSubmission"],
                    "tenderPeriod": { "endDate": date(*submission_deadline) },
                });
                if *category == Category::Consulting {
                    tender["additionalProcurementCategories"] = json!(["consultingServices"]);
                }
                if let Some(entity) = &entity {
                    tender["procuringEntity"] = reference(entity);
                }
                (
                    *package_id,
                    "tender",
                    json!({ "buyer": reference(&parties[0]), "parties": parties, "tender": tender }),
                )
            }
            EventPayload::Document(document::Event::DocumentPublished { document }) => {
                let addendum = document.kind == lelang_core::document::DocumentKind::Addendum;
                let mut tender = json!({
                    "id": document.package_id.0.to_string(),
                    "documents": [{
                        "id": document.id.0.to_string(),
                        "documentType": match document.kind {
                            lelang_core::document::DocumentKind::Specification
                            | lelang_core::document::DocumentKind::Addendum => "biddingDocuments",
                            lelang_core::document::DocumentKind::Minutes => "clarifications",
                        },
                        "title": document.title,
                        "description": format!("Versi {} · SHA-256 {}", document.version, document.sha256),
                        "url": p.url(&format!("/tenders/{}/documents/{}", document.package_id.0, document.id.0)),
                        "datePublished": date(document.published_at),
                        "format": document.media_type,
                        "language": "id",
                    }],
                });
                let announced = d.announced.contains(&document.package_id);
                if addendum && announced {
                    tender["amendments"] = json!([{
                        "id": e.id.0.to_string(),
                        "date": date(e.at),
                        "rationale": document.change_note.clone().unwrap_or_else(|| "Adendum dokumen pemilihan.".into()),
                        "description": format!("Adendum: {} versi {}", document.title, document.version),
                    }]);
                }
                let tag = match (announced, addendum) {
                    (false, _) => "planningUpdate",
                    (true, true) => "tenderAmendment",
                    (true, false) => "tenderUpdate",
                };
                (document.package_id, tag, json!({ "tender": tender }))
            }
            EventPayload::Clarification(clarification::Event::QuestionAsked {
                question_id,
                package_id,
                text,
                ..
            }) => (
                *package_id,
                "tenderUpdate",
                json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "hasEnquiries": true,
                    "enquiries": [{ "id": question_id.0.to_string(), "date": date(e.at), "description": text }],
                }}),
            ),
            EventPayload::Clarification(clarification::Event::QuestionAnswered {
                question_id,
                package_id,
                answer,
            }) => (
                *package_id,
                "tenderUpdate",
                json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "enquiries": [{ "id": question_id.0.to_string(), "answer": answer, "dateAnswered": date(e.at) }],
                }}),
            ),
            EventPayload::Submission(submission::Event::SubmissionClosed { package_id, deadline }) => (
                *package_id,
                "tenderUpdate",
                json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "tenderPeriod": { "endDate": date(*deadline) },
                }}),
            ),
            EventPayload::Opening(opening::Event::OpeningStarted { package_id, bids }) => (
                *package_id,
                "tenderUpdate",
                json!({
                    "tender": { "id": package_id.0.to_string(), "numberOfTenderers": bids.len() },
                    "bids": { "statistics": [{
                        "id": "bids",
                        "measure": "bids",
                        "date": date(e.at),
                        "value": bids.len(),
                        "notes": "Penawaran yang masuk sebelum batas akhir dan dibuka.",
                    }]},
                }),
            ),
            EventPayload::Opening(opening::Event::BidOpened {
                bid_id,
                package_id,
                vendor_id,
                opened,
                reason,
                ..
            }) => {
                let party = d.tenderer(*vendor_id);
                let mut bid = json!({
                    "id": bid_id.0.to_string(),
                    "date": date(e.at),
                    "status": if *opened { "pending" } else { "disqualified" },
                    "tenderers": [reference(&party)],
                });
                if let Some(reason) = reason {
                    bid["description"] = json!(reason);
                }
                (
                    *package_id,
                    "tenderUpdate",
                    json!({
                        "parties": [party.clone()],
                        "tender": { "id": package_id.0.to_string(), "tenderers": [reference(&party)] },
                        "bids": { "details": [bid] },
                    }),
                )
            }
            EventPayload::Evaluation(evaluation::Event::AwardAnnounced { package_id, record }) => {
                (*package_id, "award", d.result(e, record, true))
            }
            EventPayload::Evaluation(evaluation::Event::TenderFailed {
                package_id,
                record,
                note,
                ..
            }) => {
                let mut fields = d.result(e, record, false);
                fields["tender"]["description"] = json!(note);
                (*package_id, "tenderUpdate", fields)
            }
            EventPayload::Evaluation(evaluation::Event::EvaluationRestarted { package_id, reason }) => (
                *package_id,
                "tenderUpdate",
                json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "status": "active",
                    "description": format!("Evaluasi penawaran ulang: {reason}"),
                }}),
            ),
            EventPayload::Cancellation(cancellation::Event::TenderCancelled {
                package_id,
                ground,
                reason,
            }) => (
                *package_id,
                "tenderCancellation",
                json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "status": "cancelled",
                    "description": format!("Tender dibatalkan ({}): {reason}", ground_text(*ground)),
                }}),
            ),
            _ => return None,
        };
        let Value::Object(fields) = fields else {
            return None;
        };
        Some((package, envelope(p, e, package, tags, fields)))
    }
}

/// A cancellation's ground in the release's language (Indonesian).
fn ground_text(g: cancellation::Ground) -> &'static str {
    match g {
        cancellation::Ground::BudgetUnavailable => "anggaran tidak tersedia",
        cancellation::Ground::NoLongerNeeded => "kebutuhan tidak ada lagi atau berubah",
        cancellation::Ground::ForceMajeure => "keadaan kahar",
        cancellation::Ground::Other => "alasan lain",
    }
}

/// The fields every release has, in front of what the event changed.
fn envelope(p: &Publication, e: &Event, package: PackageId, tag: &str, fields: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("ocid".into(), Value::String(p.ocid(package)));
    m.insert("id".into(), Value::String(e.id.0.to_string()));
    m.insert("date".into(), Value::String(date(e.at)));
    m.insert("tag".into(), json!([tag]));
    m.insert("initiationType".into(), json!("tender"));
    m.insert("language".into(), json!("id"));
    m.extend(fields);
    Value::Object(m)
}

impl Directory {
    fn buyer(&self, unit: WorkUnitId) -> Value {
        let name = self
            .work_units
            .get(&unit)
            .cloned()
            .unwrap_or_else(|| "Perangkat Daerah".into());
        json!({ "id": format!("skpd-{}", unit.0), "name": name, "roles": ["buyer"] })
    }

    fn procuring_entity(&self, tenant: Option<TenantId>) -> Option<Value> {
        let tenant = tenant?;
        let name = self
            .tenants
            .get(&tenant)
            .map(|t| t.0.as_str())
            .unwrap_or("Pemerintah Daerah");
        Some(json!({
            "id": format!("ukpbj-{}", tenant.0),
            "name": format!("UKPBJ {name}"),
            "roles": ["procuringEntity"],
        }))
    }

    /// The published result: each bid's status and corrected value, and — when awarded — the
    /// award to the winner, who becomes a supplier. A failed tender is `unsuccessful`.
    fn result(&self, e: &Event, r: &AwardRecord, awarded: bool) -> Value {
        let details: Vec<Value> = r
            .bids
            .iter()
            .map(|b| {
                let (status, description) = match &b.status {
                    BidStatus::Ranked { rank } => ("valid", format!("Peringkat {rank}")),
                    BidStatus::Failed { step, reason } => (
                        "disqualified",
                        format!("Gugur pada evaluasi {}: {reason}", lelang_core::rules::code(step)),
                    ),
                    BidStatus::NotEvaluated => ("pending", "Tidak dievaluasi".to_owned()),
                };
                let mut bid = json!({
                    "id": b.bid_id.0.to_string(),
                    "status": status,
                    "description": description,
                });
                if let Some(v) = b.corrected {
                    bid["value"] = idr(v);
                }
                bid
            })
            .collect();
        let package = r.package_id.0.to_string();
        let mut out = json!({
            "tender": {
                "id": package,
                "status": if awarded { "complete" } else { "unsuccessful" },
                "awardCriteriaDetails": r.ranking_rule,
            },
            "bids": { "details": details },
        });
        if let Some(w) = r.winner.and_then(|w| r.bids.iter().find(|b| b.bid_id == w)) {
            let mut party = self.tenderer(w.vendor_id);
            party["roles"] = json!(["tenderer", "supplier"]);
            let mut award = json!({
                "id": format!("award-{package}"),
                "title": "Penetapan pemenang",
                "status": "active",
                "date": date(e.at),
                "suppliers": [reference(&party)],
            });
            if let Some(v) = w.corrected {
                award["value"] = idr(v);
            }
            out["parties"] = json!([party]);
            out["awards"] = json!([award]);
        }
        out
    }

    fn tenderer(&self, vendor: VendorId) -> Value {
        let name = self
            .vendors
            .get(&vendor)
            .cloned()
            .unwrap_or_else(|| "Penyedia".into());
        json!({ "id": format!("penyedia-{}", vendor.0), "name": name, "roles": ["tenderer"] })
    }

    /// The tender's periods from its stages, as instants in the regency's time zone.
    fn periods(&self, tenant: Option<TenantId>, stages: &[PlannedStage], tender: &mut Value) {
        let time_zone = tenant
            .and_then(|t| self.tenants.get(&t))
            .map(|t| t.1)
            .unwrap_or(TimeZone::Wib);
        let schedule = Schedule {
            time_zone,
            hours: WorkingHours::default(),
            stages: stages.to_vec(),
        };
        for t in schedule.times() {
            let key = match t.kind {
                StageKind::Clarification => "enquiryPeriod",
                StageKind::Submission => "tenderPeriod",
                StageKind::Evaluation => "awardPeriod",
                _ => continue,
            };
            tender[key] = json!({ "startDate": date(t.start), "endDate": date(t.end) });
        }
    }
}

fn reference(party: &Value) -> Value {
    json!({ "id": party["id"], "name": party["name"] })
}

/// Amounts are whole rupiah.
fn idr(amount: i64) -> Value {
    json!({ "amount": amount, "currency": "IDR" })
}

/// Dates in UTC to the second: one precision, so that they sort as text (the merge sorts by date).
fn date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn main_category(c: Category) -> &'static str {
    match c {
        Category::Goods => "goods",
        Category::Works => "works",
        Category::Consulting | Category::OtherServices => "services",
    }
}

/// Tender and seleksi are announced to all; tender cepat and tender terbatas invite qualified
/// companies only; pengadaan langsung asks a few; penunjukan langsung names one.
fn procurement_method(m: Method) -> &'static str {
    match m {
        Method::Tender | Method::Seleksi => "open",
        Method::TenderCepat | Method::TenderTerbatas => "selective",
        Method::PengadaanLangsung => "limited",
        Method::PenunjukanLangsung => "direct",
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Tender => "Tender",
        Method::TenderCepat => "Tender Cepat",
        Method::TenderTerbatas => "Tender Terbatas",
        Method::Seleksi => "Seleksi",
        Method::PengadaanLangsung => "Pengadaan Langsung",
        Method::PenunjukanLangsung => "Penunjukan Langsung",
    }
}

fn award_criteria(e: EvaluationMethod) -> &'static str {
    match e {
        EvaluationMethod::SistemGugur | EvaluationMethod::BiayaTerendah => "priceOnly",
        EvaluationMethod::UmurEkonomis => "costOnly",
        EvaluationMethod::SistemNilai | EvaluationMethod::KualitasBiaya => "ratedCriteria",
        EvaluationMethod::Kualitas | EvaluationMethod::PaguAnggaran => "qualityOnly",
    }
}

fn evaluation_name(e: EvaluationMethod) -> &'static str {
    match e {
        EvaluationMethod::SistemGugur => "Sistem Gugur",
        EvaluationMethod::SistemNilai => "Sistem Nilai",
        EvaluationMethod::UmurEkonomis => "Penilaian Biaya Selama Umur Ekonomis",
        EvaluationMethod::KualitasBiaya => "Kualitas dan Biaya",
        EvaluationMethod::Kualitas => "Kualitas",
        EvaluationMethod::PaguAnggaran => "Pagu Anggaran",
        EvaluationMethod::BiayaTerendah => "Biaya Terendah",
    }
}

fn stage_name(s: StageKind) -> &'static str {
    match s {
        StageKind::Announcement => "pengumuman",
        StageKind::Clarification => "pemberian penjelasan",
        StageKind::Submission => "pemasukan penawaran",
        StageKind::Opening => "pembukaan penawaran",
        StageKind::Evaluation => "evaluasi",
        StageKind::QualificationProof => "pembuktian kualifikasi",
        StageKind::Award => "penetapan pemenang",
        StageKind::AwardAnnouncement => "pengumuman pemenang",
        StageKind::Objection => "sanggah",
        StageKind::ObjectionAnswer => "jawaban sanggah",
        StageKind::AwardLetter => "penerbitan SPPBJ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lelang_core::document::{Document, DocumentKind};
    use lelang_core::ids::{BidId, DocumentId, EventId, PlanItemId, QuestionId, UserId};
    use lelang_core::rules::DayUnit;
    use time::macros::{date, datetime};

    /// A log under construction: each payload becomes the next event.
    struct Log {
        tenant: TenantId,
        events: Vec<Event>,
    }

    impl Log {
        fn push(&mut self, payload: impl Into<EventPayload>) -> &Event {
            let payload: EventPayload = payload.into();
            let seq = self.events.len() as i64 + 1;
            self.events.push(Event {
                seq,
                id: EventId::new(),
                at: datetime!(2026-11-02 02:00 UTC) + time::Duration::minutes(seq),
                tenant_id: Some(self.tenant),
                actor_id: Some(UserId::new()),
                actor_role: None,
                event_type: payload.type_name().to_owned(),
                payload: serde_json::to_string(&payload).expect("payload"),
                public_form: lelang_core::public::PUBLIC_FORM,
            });
            self.events.last().expect("pushed")
        }
    }

    fn stages() -> Vec<PlannedStage> {
        [
            (
                StageKind::Announcement,
                date!(2026 - 11 - 02),
                date!(2026 - 11 - 04),
            ),
            (
                StageKind::Clarification,
                date!(2026 - 11 - 05),
                date!(2026 - 11 - 06),
            ),
            (
                StageKind::Submission,
                date!(2026 - 11 - 09),
                date!(2026 - 11 - 13),
            ),
            (
                StageKind::Evaluation,
                date!(2026 - 11 - 16),
                date!(2026 - 11 - 20),
            ),
        ]
        .into_iter()
        .map(|(kind, first_day, last_day)| PlannedStage {
            kind,
            unit: DayUnit::Working,
            days: 3,
            first_day,
            last_day,
        })
        .collect()
    }

    #[test]
    fn a_cancellation_is_a_tender_cancellation_release_with_its_ground_and_reason() {
        let tenant = TenantId::new();
        let package = PackageId::new();
        let mut log = Log {
            tenant,
            events: Vec::new(),
        };
        log.push(cancellation::Event::TenderCancelled {
            package_id: package,
            ground: cancellation::Ground::BudgetUnavailable,
            reason: "Anggaran dialihkan untuk penanganan banjir.".into(),
        });
        let mut p = Publisher::new(Publication::default());
        let r = p.fold(&log.events[0]).expect("a release");
        let v: Value = serde_json::from_str(&r.body).expect("json");
        assert_eq!(v["tag"][0], "tenderCancellation");
        assert_eq!(v["tender"]["status"], "cancelled");
        assert_eq!(
            v["tender"]["description"],
            "Tender dibatalkan (anggaran tidak tersedia): Anggaran dialihkan untuk penanganan banjir."
        );
    }

    #[test]
    fn each_public_event_of_a_tender_is_one_release_and_nothing_confidential_is() {
        let tenant = TenantId::new();
        let unit = WorkUnitId::new();
        let package = PackageId::new();
        let vendor = VendorId::new();
        let mut log = Log {
            tenant,
            events: Vec::new(),
        };
        log.push(directory::Event::TenantCreated {
            tenant_id: tenant,
            slug: "banyuwangi".into(),
            name: "Pemerintah Kabupaten Banyuwangi".into(),
            time_zone: TimeZone::Wib,
        });
        log.push(directory::Event::WorkUnitCreated {
            work_unit_id: unit,
            tenant_id: tenant,
            code: "DPU".into(),
            name: "Dinas Pekerjaan Umum".into(),
        });
        log.push(directory::Event::VendorRegistered {
            vendor_id: vendor,
            name: "CV Blambangan Karya".into(),
            nib: "9120001234567".into(),
            home_tenant_id: Some(tenant),
        });
        log.push(package::Event::PackageCreated {
            package_id: package,
            plan_item_id: PlanItemId::new(),
            work_unit_id: unit,
            name: "Pembangunan Jembatan Desa Kedungasri".into(),
            budget_ceiling: 1_000_000_000,
            owner_estimate: 900_000_000,
            hps_breakdown: vec![lelang_core::package::HpsLine {
                description: "Rangka baja bentang 30 m".into(),
                quantity: 1,
                unit: "unit".into(),
                unit_price: 900_000_000,
            }],
            location: "Kecamatan Tegaldlimo".into(),
            rule_set: "perpres-46-2025".into(),
            repeat_of: None,
        });
        log.push(tender::Event::TenderScheduled {
            package_id: package,
            method: Method::Tender,
            evaluation: EvaluationMethod::SistemGugur,
            stages: stages(),
        });
        log.push(tender::Event::ScheduleChanged {
            package_id: package,
            stage: StageKind::Submission,
            reason: "Libur daerah ditetapkan setelah jadwal disusun.".into(),
            submission_extended: false,
            stages: stages(),
        });
        log.push(lelang_core::vendor::Event::TenderJoined {
            package_id: package,
            vendor_id: vendor,
        });
        log.push(tender::Event::TenderAnnounced {
            package_id: package,
            name: "Pembangunan Jembatan Desa Kedungasri".into(),
            work_unit_id: unit,
            category: Category::Works,
            method: Method::Tender,
            owner_estimate: 900_000_000,
            submission_deadline: datetime!(2026-11-13 09:00 UTC),
            bid_recipient: None,
        });
        let question = QuestionId::new();
        log.push(clarification::Event::QuestionAsked {
            question_id: question,
            package_id: package,
            vendor_id: vendor,
            text: "Apakah uji beban termasuk?".into(),
        });
        log.push(tender::Event::ScheduleChanged {
            package_id: package,
            stage: StageKind::Submission,
            reason: "Banyak pertanyaan, waktu penawaran ditambah.".into(),
            submission_extended: true,
            stages: stages(),
        });
        log.push(document::Event::DocumentPublished {
            document: Box::new(Document {
                id: DocumentId::new(),
                tenant_id: tenant,
                package_id: package,
                kind: DocumentKind::Addendum,
                title: "Dokumen Pemilihan".into(),
                filename: "adendum-1.pdf".into(),
                media_type: "application/pdf".into(),
                size: 1234,
                sha256: "ab".repeat(32),
                version: 2,
                supersedes: None,
                change_note: Some("Volume beton dikoreksi.".into()),
                published_by: UserId::new(),
                published_at: datetime!(2026-11-03 02:00 UTC),
            }),
        });
        let bid = BidId::new();
        log.push(submission::Event::BidSubmitted {
            bid_id: bid,
            package_id: package,
            vendor_id: vendor,
            sha256: "cd".repeat(32),
            size: 99,
        });
        log.push(opening::Event::OpeningStarted {
            package_id: package,
            bids: vec![bid],
        });
        log.push(opening::Event::BidOpened {
            bid_id: bid,
            package_id: package,
            vendor_id: vendor,
            opened: true,
            reason: None,
            plaintext_sha256: None,
            price: Some(1_000),
        });
        log.push(evaluation::Event::AwardAnnounced {
            package_id: package,
            record: Box::new(AwardRecord {
                package_id: package,
                rule_set: "perpres-46-2025".into(),
                method: EvaluationMethod::SistemGugur,
                owner_estimate: 900_000_000,
                budget_ceiling: 1_000_000_000,
                technical_weight_permille: None,
                reasonable_price_permille: 800,
                ranking_rule: "lowest corrected price".into(),
                bids: vec![lelang_core::evaluation::rank::BidResult {
                    bid_id: bid,
                    vendor_id: vendor,
                    commit_index: 7,
                    plaintext_sha256: None,
                    read_out: Some(850_000_000),
                    corrected: Some(860_000_000),
                    life_cycle: 0,
                    technical_score: None,
                    status: BidStatus::Ranked { rank: 1 },
                }],
                winner: Some(bid),
                reserves: vec![],
                failure: None,
            }),
        });

        let mut p = Publisher::new(Publication::default());
        let mut tags = Vec::new();
        let mut bodies = Vec::new();
        for (i, e) in log.events.iter().enumerate() {
            let before_opening = log.events[..=i].iter().all(|e| e.event_type != "opening_started");
            if let Some(r) = p.fold(e) {
                assert_eq!(r.seq, e.seq);
                assert_eq!(r.ocid, format!("ocds-lelang-{}", package.0));
                assert_eq!(r.tenant_id, Some(tenant));
                let v: Value = serde_json::from_str(&r.body).expect("json");
                tags.push(v["tag"][0].as_str().expect("tag").to_owned());
                assert_eq!(v["id"], e.id.0.to_string());
                assert!(
                    !r.body.contains("Rangka baja"),
                    "the HPS breakdown stays confidential"
                );
                if before_opening {
                    assert!(
                        !r.body.contains(&vendor.0.to_string()),
                        "who takes part stays hidden: {}",
                        r.body
                    );
                }
                bodies.push(v);
            }
        }
        assert_eq!(
            tags,
            [
                "planning",
                "planningUpdate",
                "planningUpdate",
                "tender",
                "tenderUpdate",
                "tenderAmendment",
                "tenderAmendment",
                "tenderUpdate",
                "tenderUpdate",
                "award"
            ],
            "a change before the announcement is a planning update; joining and committing publish nothing"
        );
        assert_eq!(bodies[3]["buyer"]["name"], "Dinas Pekerjaan Umum");
        assert_eq!(
            bodies[3]["tender"]["procuringEntity"]["name"],
            "UKPBJ Pemerintah Kabupaten Banyuwangi"
        );
        assert_eq!(
            bodies[1]["tender"]["tenderPeriod"]["startDate"], "2026-11-09T01:00:00Z",
            "08:00 WIB"
        );
        assert_eq!(bodies[1]["tender"]["procurementMethodDetails"], "Tender");
        assert!(bodies[2]["tender"].get("amendments").is_none());
        assert_eq!(
            bodies[5]["tender"]["amendments"][0]["rationale"],
            "Banyak pertanyaan, waktu penawaran ditambah."
        );
        assert_eq!(
            bodies[6]["tender"]["documents"][0]["url"]
                .as_str()
                .map(|u| u.starts_with("http://127.0.0.1:8080/tenders/")),
            Some(true)
        );
        assert_eq!(bodies[8]["parties"][0]["name"], "CV Blambangan Karya");
        assert_eq!(bodies[8]["bids"]["details"][0]["status"], "pending");
        assert!(
            !serde_json::to_string(&bodies)
                .expect("text")
                .contains("9120001234567")
        );

        // Folding again is a no-op; a second publisher folding the same log agrees byte for byte.
        assert_eq!(p.fold(&log.events[3]), None);
        assert_eq!(p.folded(), log.events.len() as i64);
        let mut q = Publisher::new(Publication::default());
        let again: Vec<Value> = log
            .events
            .iter()
            .filter_map(|e| q.fold(e))
            .map(|r| serde_json::from_str(&r.body).expect("json"))
            .collect();
        assert_eq!(again, bodies);
        assert_eq!(bodies[9]["awards"][0]["value"]["amount"], 860_000_000);
        assert_eq!(
            bodies[9]["awards"][0]["suppliers"][0]["id"],
            format!("penyedia-{}", vendor.0)
        );
        assert_eq!(bodies[9]["bids"]["details"][0]["status"], "valid");
        let compiled = crate::compile(&bodies).expect("compiled");
        assert_eq!(compiled["tender"]["status"], "complete");
        let supplier = compiled["parties"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["id"] == format!("penyedia-{}", vendor.0)))
            .cloned()
            .expect("the winner is a party");
        assert_eq!(supplier["roles"], json!(["tenderer", "supplier"]));
        assert_eq!(compiled["tender"]["enquiries"][0]["id"], question.0.to_string());
        assert_eq!(compiled["tender"]["amendments"].as_array().map(Vec::len), Some(2));
    }
}
