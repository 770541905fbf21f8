//! The pokja's capacity: each tender weighs on its members by its category, method and value
//! (rule-set data), and a forecast by month — the tenders under way and the announced plan's items
//! not yet prepared, against the members available — says plainly when the unit will need more
//! pokja members and how many.

use super::{Ledger, Stage, TenderFacts};
use crate::ids::{TenantId, UserId};
use crate::rules::{Category, Method, RuleSet, Rupiah, StageKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Members of a pokja (Perpres 16/2018 Pasal 1 angka 12 as amended: at least three; lelang forms
/// pokja of three or five and forecasts with three).
pub const POKJA_SIZE: i64 = 3;

/// The weights of a tender's load, per mille (1000 = an ordinary open tender of goods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// By category: goods, works, consulting, other services.
    pub category: [i64; 4],
    /// A quick tender (price only, pre-qualified companies).
    pub quick_tender: i64,
    /// Above this HPS…
    pub large_value_above: Rupiah,
    /// …the load is multiplied by this.
    pub large_value: i64,
    /// The load one member carries at once.
    pub member_capacity: i64,
    /// Months a tender occupies its pokja from its planned start.
    pub tender_months: i64,
}

impl Weights {
    /// The weights of a rule set.
    pub fn of(r: &RuleSet) -> Self {
        let c = &r.capacity;
        Self {
            category: [
                c.goods_weight_permille.value,
                c.works_weight_permille.value,
                c.consulting_weight_permille.value,
                c.other_services_weight_permille.value,
            ],
            quick_tender: c.quick_tender_weight_permille.value,
            large_value_above: c.large_value_above.value,
            large_value: c.large_value_weight_permille.value,
            member_capacity: c.member_capacity_permille.value.max(1),
            tender_months: c.tender_months.value.max(1),
        }
    }

    /// One tender's load on each member of its pokja, per mille.
    pub fn weight(&self, category: Category, method: Method, value: Rupiah) -> i64 {
        let c = self.category[match category {
            Category::Goods => 0,
            Category::Works => 1,
            Category::Consulting => 2,
            Category::OtherServices => 3,
        }];
        let m = if method == Method::TenderCepat {
            self.quick_tender
        } else {
            1000
        };
        let v = if value > self.large_value_above {
            self.large_value
        } else {
            1000
        };
        c * m / 1000 * v / 1000
    }
}

/// Direct procurement and direct appointment are run by a procurement officer, not a pokja.
pub fn needs_pokja(method: Method) -> bool {
    !matches!(method, Method::PengadaanLangsung | Method::PenunjukanLangsung)
}

/// One month of the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u8,
    /// Tenders occupying a pokja that month (under way, or planned to start).
    pub tenders: u32,
    /// Their load on the members, per mille (each tender's weight × the pokja's size).
    pub load_permille: i64,
    /// What the members available carry, per mille.
    pub capacity_permille: i64,
    /// Members the unit would need beyond those available (0: enough).
    pub short_members: u32,
}

/// A member's weighted load now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLoad {
    /// The member.
    pub member: UserId,
    /// Tenders under way.
    pub active: u32,
    /// Their weights summed, per mille.
    pub weighted_permille: i64,
}

/// The forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    /// Pokja members available.
    pub members: u32,
    /// Month by month, from the current one.
    pub months: Vec<Month>,
    /// The most members short in any month.
    pub peak_short: u32,
    /// The first month (year, month) with too few members.
    pub first_short: Option<(i32, u8)>,
    /// Each member's weighted load now, heaviest first.
    pub per_member: Vec<MemberLoad>,
}

fn index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1
}

fn under_way(t: &TenderFacts) -> bool {
    matches!(
        t.stage(),
        Stage::Preparation | Stage::Announced | Stage::Evaluation
    )
}

/// The forecast of a regency's pokja load for `months` months from `today`'s, with `members`
/// available: `now` holds the rule set in force (a member's capacity), `weights` each rule set's
/// weights by id (a tender and a plan item weigh by their own).
pub fn forecast(
    ledger: &Ledger,
    tenant: TenantId,
    members: u32,
    today: Date,
    months: u8,
    now: &Weights,
    weights: &dyn Fn(&str) -> Weights,
) -> Forecast {
    let start = index(today);
    // (first month, last month, weight) of every tender that will occupy a pokja.
    let mut spans: Vec<(i64, i64, i64)> = Vec::new();
    let mut per: BTreeMap<UserId, (u32, i64)> = BTreeMap::new();
    for t in ledger
        .tenders()
        .filter(|t| t.tenant_id == tenant && under_way(t) && needs_pokja(t.method))
    {
        let w = weights(&t.rule_set);
        let weight = w.weight(t.category, t.method, t.owner_estimate);
        let end = t
            .planned_end(StageKind::AwardAnnouncement)
            .map_or(start + w.tender_months - 1, index)
            .max(start);
        spans.push((start, end, weight));
        for m in &t.pokja {
            let e = per.entry(*m).or_default();
            e.0 += 1;
            e.1 += weight;
        }
    }
    for p in ledger
        .plan_items()
        .filter(|p| p.tenant_id == tenant && p.announced && !p.packaged && needs_pokja(p.method))
    {
        let w = weights(&p.rule_set);
        let first = index(p.planned_start).max(start);
        spans.push((
            first,
            first + w.tender_months - 1,
            w.weight(p.category, p.method, p.budget_ceiling),
        ));
    }
    let capacity = i64::from(members) * now.member_capacity;
    let months: Vec<Month> = (start..start + i64::from(months))
        .map(|m| {
            let here: Vec<_> = spans.iter().filter(|(a, b, _)| *a <= m && m <= *b).collect();
            let load: i64 = here.iter().map(|(_, _, w)| w * POKJA_SIZE).sum();
            let short = if load > capacity {
                u32::try_from((load - capacity + now.member_capacity - 1) / now.member_capacity)
                    .unwrap_or(u32::MAX)
            } else {
                0
            };
            Month {
                year: i32::try_from(m.div_euclid(12)).unwrap_or(i32::MAX),
                month: u8::try_from(m.rem_euclid(12) + 1).unwrap_or(1),
                tenders: u32::try_from(here.len()).unwrap_or(u32::MAX),
                load_permille: load,
                capacity_permille: capacity,
                short_members: short,
            }
        })
        .collect();
    let mut per_member: Vec<MemberLoad> = per
        .into_iter()
        .map(|(member, (active, weighted_permille))| MemberLoad {
            member,
            active,
            weighted_permille,
        })
        .collect();
    per_member.sort_by_key(|m| std::cmp::Reverse(m.weighted_permille));
    Forecast {
        members,
        peak_short: months.iter().map(|m| m.short_members).max().unwrap_or(0),
        first_short: months
            .iter()
            .find(|m| m.short_members > 0)
            .map(|m| (m.year, m.month)),
        months,
        per_member,
    }
}
