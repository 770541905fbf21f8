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
    EventPayload, award_letter, cancellation, clarification, contract, directory, document, execution,
    package, pokja, submission, tender,
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
    /// Processes whose award is announced (and not reopened since), with the id of the award
    /// that stands (a declined letter of award withdraws it: empty until a reserve's letter makes
    /// a new one).
    awarded: HashMap<PackageId, String>,
    /// Each process's buyer (the payer of its contract's payments).
    buyers: HashMap<PackageId, WorkUnitId>,
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
const READ: [&str; 30] = [
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
    "award_letter_issued",
    "award_letter_declined",
    "contract_drafted",
    "contract_signed",
    "work_order_issued",
    "milestones_planned",
    "milestone_accepted",
    "milestone_paid",
    "advance_paid",
    "contract_amended",
    "work_handed_over",
    "contract_terminated",
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
                d.buyers.insert(*package_id, *work_unit_id);
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
                d.awarded.insert(*package_id, format!("award-{}", package_id.0));
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
            EventPayload::Evaluation(evaluation::Event::EvaluationRestarted { package_id, reason }) => {
                let mut fields = json!({ "tender": {
                    "id": package_id.0.to_string(),
                    "status": "active",
                    "description": format!("Evaluasi penawaran ulang: {reason}"),
                }});
                // An announced award reopened (an upheld objection) is withdrawn.
                if let Some(award) = d.awarded.remove(package_id).filter(|a| !a.is_empty()) {
                    fields["awards"] = json!([{ "id": award, "status": "cancelled" }]);
                    (*package_id, "awardUpdate", fields)
                } else {
                    (*package_id, "tenderUpdate", fields)
                }
            }
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
            // A declined letter of award withdraws the award that stood; a letter to a reserve
            // is a new award to it.
            EventPayload::AwardLetter(award_letter::Event::AwardLetterDeclined { package_id, .. }) => {
                // Only a process whose award stands has one to withdraw.
                let award = std::mem::take(d.awarded.get_mut(package_id)?);
                if award.is_empty() {
                    return None;
                }
                (
                    *package_id,
                    "awardUpdate",
                    json!({ "awards": [{ "id": award, "status": "cancelled" }] }),
                )
            }
            EventPayload::AwardLetter(award_letter::Event::AwardLetterIssued {
                package_id,
                bid_id,
                vendor_id,
                amount,
                ..
            }) => {
                if !d.awarded.get(package_id)?.is_empty() {
                    // The letter to the winner: the announced award stands.
                    return None;
                }
                let id = format!("award-{}-{}", package_id.0, bid_id.0);
                d.awarded.insert(*package_id, id.clone());
                let mut party = d.tenderer(*vendor_id);
                party["roles"] = json!(["tenderer", "supplier"]);
                (
                    *package_id,
                    "awardUpdate",
                    json!({
                        "parties": [party.clone()],
                        "awards": [{
                            "id": id,
                            "title": "Penunjukan pemenang cadangan",
                            "status": "active",
                            "date": date(e.at),
                            "value": idr(*amount),
                            "suppliers": [reference(&party)],
                        }],
                    }),
                )
            }
            // The contract: drafted (pending), signed by the PPK (active, dated), started (its
            // period from the work order).
            EventPayload::Contract(contract::Event::ContractDrafted {
                package_id,
                number,
                value,
                ..
            }) => {
                let award = d.awarded.get(package_id).cloned().unwrap_or_default();
                (
                    *package_id,
                    "contract",
                    json!({ "contracts": [{
                        "id": format!("contract-{}", package_id.0),
                        "awardID": award,
                        "title": format!("Kontrak {number}"),
                        "status": "pending",
                        "value": idr(*value),
                    }]}),
                )
            }
            EventPayload::Contract(contract::Event::ContractSigned {
                package_id,
                party: contract::Party::Ppk,
            }) => (
                *package_id,
                "contractUpdate",
                json!({ "contracts": [{
                    "id": format!("contract-{}", package_id.0),
                    "awardID": d.awarded.get(package_id).cloned().unwrap_or_default(),
                    "status": "active",
                    "dateSigned": date(e.at),
                }]}),
            ),
            EventPayload::Contract(contract::Event::WorkOrderIssued {
                package_id,
                start,
                end,
                ..
            }) => {
                // Whole days in the regency's time.
                let hours = e
                    .tenant_id
                    .and_then(|t| d.tenants.get(&t))
                    .map_or(7, |t| t.1.utc_offset_hours());
                (
                    *package_id,
                    "contractUpdate",
                    json!({ "contracts": [{
                        "id": format!("contract-{}", package_id.0),
                        "awardID": d.awarded.get(package_id).cloned().unwrap_or_default(),
                        "period": {
                            "startDate": format!("{start}T00:00:00+{hours:02}:00"),
                            "endDate": format!("{end}T23:59:59+{hours:02}:00"),
                        },
                    }]}),
                )
            }
            // The execution: milestones (scheduled, then met), payments as transactions from the
            // buyer to the company, amendments with their published rationale, and the end.
            EventPayload::Execution(execution::Event::MilestonesPlanned { package_id, milestones }) => {
                let milestones: Vec<Value> = milestones
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        json!({
                            "id": milestone_id(*package_id, i + 1),
                            "title": m.title,
                            "type": "delivery",
                            "dueDate": format!("{}T23:59:59Z", m.due),
                            "status": "scheduled",
                        })
                    })
                    .collect();
                (
                    *package_id,
                    "implementation",
                    d.contract(*package_id, json!({ "implementation": { "milestones": milestones } })),
                )
            }
            EventPayload::Execution(execution::Event::MilestoneAccepted {
                package_id, milestone, ..
            }) => (
                *package_id,
                "implementationUpdate",
                d.contract(
                    *package_id,
                    json!({ "implementation": { "milestones": [{
                        "id": milestone_id(*package_id, usize::from(*milestone)),
                        "status": "met",
                        "dateMet": date(e.at),
                    }]}}),
                ),
            ),
            EventPayload::Execution(execution::Event::MilestonePaid {
                package_id,
                vendor_id,
                milestone,
                amount,
                ..
            }) => (
                *package_id,
                "implementationUpdate",
                d.payment(e, *package_id, *vendor_id, format!("payment-{}-{milestone}", package_id.0), *amount),
            ),
            EventPayload::Execution(execution::Event::AdvancePaid {
                package_id,
                vendor_id,
                amount,
                ..
            }) => (
                *package_id,
                "implementationUpdate",
                d.payment(e, *package_id, *vendor_id, format!("advance-{}", package_id.0), *amount),
            ),
            EventPayload::Execution(execution::Event::ContractAmended {
                package_id,
                number,
                value,
                reason,
                value_change,
                days_added,
                ..
            }) => (
                *package_id,
                "contractAmendment",
                d.contract(
                    *package_id,
                    json!({
                        "value": idr(*value),
                        "amendments": [{
                            "id": format!("amendment-{}-{}", package_id.0, e.seq),
                            "date": date(e.at),
                            "rationale": reason,
                            "description": format!("Adendum {number}: perubahan nilai {value_change}, tambahan waktu {days_added} hari"),
                        }],
                    }),
                ),
            ),
            EventPayload::Execution(execution::Event::WorkHandedOver { package_id, number }) => (
                *package_id,
                "implementationUpdate",
                d.contract(
                    *package_id,
                    json!({ "status": "terminated", "description": format!("Pekerjaan diserahterimakan (BAST {number})") }),
                ),
            ),
            EventPayload::Execution(execution::Event::ContractTerminated {
                package_id, reason, ..
            }) => (
                *package_id,
                "contractUpdate",
                d.contract(
                    *package_id,
                    json!({ "status": "terminated", "description": format!("Kontrak diputus: {reason}") }),
                ),
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

/// A milestone's id within its process.
fn milestone_id(package: PackageId, n: usize) -> String {
    format!("milestone-{}-{n}", package.0)
}

impl Directory {
    /// A release's fields for the process's one contract: `fields` added to its id and award.
    fn contract(&self, package: PackageId, fields: Value) -> Value {
        let mut c = json!({
            "id": format!("contract-{}", package.0),
            "awardID": self.awarded.get(&package).cloned().unwrap_or_default(),
        });
        if let (Value::Object(c), Value::Object(f)) = (&mut c, fields) {
            c.extend(f);
        }
        json!({ "contracts": [c] })
    }

    /// A payment to the company as a transaction of the contract's implementation, the buyer as
    /// payer and the company as payee among the parties.
    fn payment(&self, e: &Event, package: PackageId, vendor: VendorId, id: String, amount: i64) -> Value {
        let (payer, payee) = self.payer_payee(package, vendor);
        let mut fields = self.contract(
            package,
            json!({ "implementation": { "transactions": [{
                "id": id,
                "date": date(e.at),
                "value": idr(amount),
                "payer": reference(&payer),
                "payee": reference(&payee),
            }]}}),
        );
        fields["parties"] = json!([payer, payee]);
        fields
    }

    /// The parties of a payment: the process's buyer pays the company.
    fn payer_payee(&self, package: PackageId, vendor: VendorId) -> (Value, Value) {
        let mut payer = self.buyers.get(&package).map_or_else(
            || json!({ "id": "skpd", "name": "Perangkat Daerah" }),
            |u| self.buyer(*u),
        );
        payer["roles"] = json!(["buyer", "payer"]);
        let mut payee = self.tenderer(vendor);
        payee["roles"] = json!(["tenderer", "supplier", "payee"]);
        (payer, payee)
    }

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
mod tests;
