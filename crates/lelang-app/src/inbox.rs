//! Each role's inbox: what the reader must act on now, derived from the record (the dashboard's
//! fold of the log, and the complaints' store) at each look — so it is never stale, and nothing is
//! kept per message that could be lost or leak.

use crate::dashboard::Dashboard;
use crate::{App, AppError};
use lelang_core::dashboard::Stage;
use lelang_core::handover::Status;
use lelang_core::ids::{ComplaintId, PackageId};
use lelang_core::model::Tenant;
use lelang_core::policy::Actor;
use lelang_core::role::Role;
use serde::Serialize;
use time::OffsetDateTime;

/// Something to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// A package handed over waits for the review (the ULP head).
    HandoverToReview {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// A package of one's work unit was returned with notes (the PPK).
    HandoverReturned {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// A package of one's work unit is not handed over yet (the PPK).
    HandOver {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// Messages in a package's conversation mention the reader since they last wrote there.
    Mentioned {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
        /// How many.
        count: u32,
    },
    /// A package accepted by the unit has no pokja yet (the ULP head).
    AssignPokja {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// The unit will lack pokja members from a month (the ULP head).
    PokjaShort {
        /// The year.
        year: i32,
        /// The month.
        month: u8,
        /// The most members short in a month.
        members: u32,
    },
    /// A tender of one's pokja to set up and announce (declare no conflict first).
    Announce {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// The submission closed: the opening is ready.
    OpeningReady {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// Bids opened: the evaluation is due.
    EvaluationDue {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// Objections wait for the pokja's answer.
    ObjectionsToAnswer {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
        /// How many.
        count: u32,
    },
    /// A winner announced in one's work unit: the letter of award and the contract (the PPK).
    Contract {
        /// The package.
        package_id: PackageId,
        /// What is bought.
        name: String,
    },
    /// A complaint's first answer is due (the regency's auditor).
    ComplaintDue {
        /// The complaint.
        complaint_id: ComplaintId,
        /// Its number.
        number: String,
        /// When the answer is due.
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
        /// Whether it is past due.
        late: bool,
    },
}

/// What `actor` must act on in `tenant` now, most pressing kinds first.
pub async fn items(
    app: &App,
    dash: &Dashboard,
    actor: &Actor,
    tenant: &Tenant,
) -> Result<Vec<Item>, AppError> {
    let Some(u) = actor.user() else {
        return Ok(Vec::new());
    };
    if u.tenant_id != Some(tenant.id) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    if u.role == Role::Auditor {
        let now = app.clock.now();
        for c in app.store.complaints(tenant.id).await? {
            if c.status.is_open() && c.first_answer_at.is_none() {
                out.push(Item::ComplaintDue {
                    complaint_id: c.id,
                    number: c.number.clone(),
                    due: c.answer_due,
                    late: c.answer_late(now),
                });
            }
        }
    }
    if u.role == Role::UlpHead {
        let (f, _) = crate::dashboard::forecast(app, dash, actor, tenant).await?;
        if let Some((year, month)) = f.first_short {
            out.push(Item::PokjaShort {
                year,
                month,
                members: f.peak_short,
            });
        }
    }
    dash.catch_up(app.store.as_ref()).await?;
    let ledger = dash.ledger().await;
    let handovers = app.store.handovers(tenant.id).await?;
    let status_of = |p: PackageId| handovers.iter().find(|h| h.package_id == p).map(|h| h.status);
    let name_of = |p: PackageId| {
        ledger
            .tenders()
            .find(|t| t.package_id == p)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    // Mentions since the reader last wrote in that package's conversation, by package.
    let mut mentioned: Vec<(PackageId, u32)> = Vec::new();
    for m in app.store.messages_mentioning(tenant.id, u.user_id).await? {
        if m.author == u.user_id {
            mentioned.retain(|(p, _)| *p != m.package_id);
        } else if m.mentions.contains(&u.user_id) {
            match mentioned.iter_mut().find(|(p, _)| *p == m.package_id) {
                Some((_, n)) => *n += 1,
                None => mentioned.push((m.package_id, 1)),
            }
        }
    }
    for (package_id, count) in mentioned {
        out.push(Item::Mentioned {
            package_id,
            name: name_of(package_id),
            count,
        });
    }
    for t in ledger.tenders().filter(|t| t.tenant_id == tenant.id) {
        let (package_id, name) = (t.package_id, t.name.clone());
        let stage = t.stage();
        let handover = status_of(package_id);
        match u.role {
            Role::UlpHead if stage == Stage::Preparation && t.pokja.is_empty() => match handover {
                Some(Status::Accepted) => out.push(Item::AssignPokja { package_id, name }),
                Some(Status::Submitted) => out.push(Item::HandoverToReview { package_id, name }),
                _ => {}
            },
            Role::CommitmentOfficer
                if u.work_unit_id == Some(t.work_unit_id)
                    && stage == Stage::Preparation
                    && t.pokja.is_empty() =>
            {
                match handover {
                    None => out.push(Item::HandOver { package_id, name }),
                    Some(Status::Returned) => out.push(Item::HandoverReturned { package_id, name }),
                    _ => {}
                }
            }
            Role::PokjaMember if t.pokja.contains(&u.user_id) => {
                if t.objections > t.objections_answered && stage != Stage::Cancelled {
                    out.push(Item::ObjectionsToAnswer {
                        package_id,
                        name: name.clone(),
                        count: t.objections - t.objections_answered,
                    });
                }
                match stage {
                    Stage::Preparation => out.push(Item::Announce { package_id, name }),
                    Stage::Evaluation if t.opened.is_empty() => {
                        out.push(Item::OpeningReady { package_id, name })
                    }
                    Stage::Evaluation => out.push(Item::EvaluationDue { package_id, name }),
                    _ => {}
                }
            }
            Role::CommitmentOfficer if u.work_unit_id == Some(t.work_unit_id) && stage == Stage::Awarded => {
                out.push(Item::Contract { package_id, name });
            }
            _ => {}
        }
    }
    Ok(out)
}
