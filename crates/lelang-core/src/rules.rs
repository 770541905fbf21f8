//! Rule sets: the procurement regulations as versioned data (Perpres 16/2018, its amendments
//! 12/2021 and 46/2025). A package records the rule set it runs under; every check here names the
//! rule it enforces, so a refusal can say which regulation and which rule.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Rupiah, whole.
pub type Rupiah = i64;

/// The stable code of a rules enum (its serde name), as stored and shown in the API.
pub fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Parses a code written by [`code`].
pub fn from_code<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// What is bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Barang.
    Goods,
    /// Pekerjaan konstruksi.
    Works,
    /// Jasa konsultansi.
    Consulting,
    /// Jasa lainnya.
    OtherServices,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 4] = [
        Category::Goods,
        Category::Works,
        Category::Consulting,
        Category::OtherServices,
    ];
}

/// How a provider is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Open tender (goods, works, other services).
    Tender,
    /// Quick tender: price only, pre-qualified vendors.
    TenderCepat,
    /// Limited tender (Perpres 46/2025).
    TenderTerbatas,
    /// Selection (consulting).
    Seleksi,
    /// Direct procurement, up to the rule set's limit.
    PengadaanLangsung,
    /// Direct appointment in the circumstances the regulation lists.
    PenunjukanLangsung,
}

impl Method {
    /// Every method, for filters and forms.
    pub const ALL: [Method; 6] = [
        Method::Tender,
        Method::TenderCepat,
        Method::TenderTerbatas,
        Method::Seleksi,
        Method::PengadaanLangsung,
        Method::PenunjukanLangsung,
    ];

    /// Whether the method is competitive (and so only for values above the direct limit).
    fn competitive(self) -> bool {
        matches!(
            self,
            Method::Tender | Method::TenderCepat | Method::TenderTerbatas | Method::Seleksi
        )
    }
}

/// How bids are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationMethod {
    /// Sistem gugur: pass/fail, then lowest price.
    SistemGugur,
    /// Sistem nilai: merit points.
    SistemNilai,
    /// Penilaian biaya selama umur ekonomis: life-cycle cost.
    UmurEkonomis,
    /// Kualitas dan biaya.
    KualitasBiaya,
    /// Kualitas.
    Kualitas,
    /// Pagu anggaran: fixed budget.
    PaguAnggaran,
    /// Biaya terendah: lowest cost.
    BiayaTerendah,
}

/// Whether a stage's length counts working days or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// Monday to Friday, minus holidays and cuti bersama.
    Working,
    /// Every day; a period that ends on a day off ends on the next working day.
    Calendar,
}

/// One stage of a tender's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Announcement and registration (pengumuman).
    Announcement,
    /// Clarification (pemberian penjelasan).
    Clarification,
    /// Bid submission (upload dokumen penawaran).
    Submission,
    /// Opening (pembukaan).
    Opening,
    /// Evaluation.
    Evaluation,
    /// Proof of qualification (pembuktian kualifikasi).
    QualificationProof,
    /// Determination of the winner (penetapan).
    Award,
    /// Announcement of the winner.
    AwardAnnouncement,
    /// Objection period (masa sanggah).
    Objection,
    /// The pokja's answer to objections.
    ObjectionAnswer,
    /// Letter of award (SPPBJ).
    AwardLetter,
}

/// A stage's minimum length under a rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRule {
    /// Which stage.
    pub kind: StageKind,
    /// Working or calendar days.
    pub unit: DayUnit,
    /// The minimum number of days.
    pub days: u32,
    /// Whether the figure was confirmed against the regulation (false: a configurable default).
    pub confirmed: bool,
}

/// Periods after the award, and the bid-upload grace window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periods {
    /// Sanggah: calendar days after the award announcement.
    pub objection_calendar_days: u32,
    /// The pokja answers within this many calendar days after the objection period.
    pub objection_answer_calendar_days: u32,
    /// Sanggah banding (construction only): calendar days after the answer.
    pub appeal_calendar_days: u32,
    /// The appeal is answered within this many calendar days.
    pub appeal_answer_calendar_days: u32,
    /// The appeal guarantee, per mille of HPS (10 = 1 %).
    pub appeal_guarantee_permille: u32,
    /// Sealed files may still arrive this many minutes after the deadline if committed before it.
    pub upload_grace_minutes: u32,
    /// A schedule change leaves at least this many hours of submission window.
    pub min_remaining_submission_hours: u32,
}

/// One regulation's rules, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Stable id, e.g. `perpres-46-2025`.
    pub id: String,
    /// Short name.
    pub name: String,
    /// The regulation's full title.
    pub regulation: String,
    /// From when it applies (`YYYY-MM-DD`).
    #[serde(with = "iso_date")]
    pub effective_from: Date,
    /// A note for administrators.
    pub note: String,
    /// The highest value direct procurement (pengadaan langsung) may have, per category.
    pub direct_procurement_max: BTreeMap<Category, Rupiah>,
    /// The methods the regulation allows per category.
    pub methods: BTreeMap<Category, Vec<Method>>,
    /// The evaluation methods allowed per category.
    pub evaluation_methods: BTreeMap<Category, Vec<EvaluationMethod>>,
    /// Periods and windows.
    pub periods: Periods,
    /// The stages of a tender, in order, with their minimum lengths.
    pub stages: Vec<StageRule>,
    /// How bids are evaluated and a winner is chosen.
    pub evaluation: EvaluationRules,
    /// The contract's guarantee, amendments and the company's rating.
    pub contract: ContractRules,
    /// Complaints to the regency's auditor.
    pub complaint: ComplaintRules,
    /// The thresholds of the dashboard's red flags (indicators to look closer, not rules).
    pub red_flags: RedFlagRules,
    /// How much a tender weighs on its pokja, and what a member carries (the forecast).
    pub capacity: CapacityRules,
}

/// The pokja's load ([`crate::dashboard::capacity`]): weights per mille of an ordinary open
/// tender of goods. The regulation sets none; each is a configurable default with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityRules {
    /// Goods.
    pub goods_weight_permille: Figure,
    /// Works.
    pub works_weight_permille: Figure,
    /// Consulting (a selection weighs technical proposals).
    pub consulting_weight_permille: Figure,
    /// Other services.
    pub other_services_weight_permille: Figure,
    /// A quick tender (price only, pre-qualified companies).
    pub quick_tender_weight_permille: Figure,
    /// Above this HPS (rupiah) a tender weighs more…
    pub large_value_above: Figure,
    /// …by this much.
    pub large_value_weight_permille: Figure,
    /// The load one member carries at once.
    pub member_capacity_permille: Figure,
    /// Months a tender occupies its pokja from its planned start.
    pub tender_months: Figure,
}

/// Thresholds of the red flags ([`crate::dashboard::flags`]): the regulation sets none, so each
/// is a configurable default with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlagRules {
    /// A submission window shorter than this many calendar days is flagged.
    pub short_window_days: Figure,
    /// Every price within this share of HPS (per mille) under it: clustered under the HPS.
    pub near_estimate_permille: Figure,
    /// Price gaps differing by at most this share (per mille) of their mean: evenly spaced.
    pub evenly_spaced_permille: Figure,
    /// A schedule change closer than this many days to the deadline it moves is late.
    pub late_change_days: Figure,
    /// A winner's profile replaced within this many days before the announcement is flagged.
    pub profile_change_days: Figure,
    /// The same bidders in at least this many awarded tenders, won by two or more: a rotation.
    pub rotation_tenders: Figure,
}

/// Complaints' service level (Perpres 16/2018 Pasal 77 gives complaints to APIP, without a period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRules {
    /// The auditor first answers a complaint within this many working days after the day it came.
    pub answer_working_days: Figure,
}

/// The contract's figures (Perpres 16/2018 Pasal 33 and 54; SIKaP's rating).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRules {
    /// Above this contract value (rupiah) the company gives a performance guarantee.
    pub performance_guarantee_above: Figure,
    /// Amendments may raise the contract value by at most this share of the signed value, per
    /// mille, all amendments together.
    pub amendment_increase_permille: Figure,
    /// The largest advance payment, per mille of the contract value.
    pub advance_payment_max_permille: Figure,
    /// The maintenance guarantee of construction at the handover, per mille of the contract value.
    pub maintenance_guarantee_permille: Figure,
    /// The weight of the quality (and quantity) of the work in the company's rating.
    pub rating_quality_weight: Figure,
    /// The weight of cost.
    pub rating_cost_weight: Figure,
    /// The weight of time.
    pub rating_time_weight: Figure,
    /// The weight of service.
    pub rating_service_weight: Figure,
}

/// One figure of a regulation, with where it comes from and whether that was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The value (its unit is in the field's name).
    pub value: i64,
    /// The article it comes from.
    pub source: String,
    /// Whether it was confirmed against the text (false: a configurable default to review).
    pub confirmed: bool,
}

/// The evaluation's figures (Perpres 16/2018 as amended; Peraturan LKPP 12/2021).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRules {
    /// A corrected price under this share of HPS (per mille) needs a clarification of its
    /// reasonableness before it may pass.
    pub reasonable_price_permille: Figure,
    /// The performance guarantee, per mille of the contract value.
    pub performance_guarantee_permille: Figure,
    /// The performance guarantee of an accepted unreasonably low price, per mille of HPS.
    pub low_price_guarantee_permille_of_hps: Figure,
    /// Price-ranked methods evaluate this many of the lowest bids first, then the next.
    pub evaluate_first: Figure,
    /// Reserves named beside the winner.
    pub reserves: Figure,
    /// Above this budget ceiling (rupiah) the budget holder, not the pokja, decides the winner of
    /// goods, works and other services.
    pub budget_holder_decides_above: Figure,
    /// The same for consulting.
    pub budget_holder_decides_above_consulting: Figure,
    /// The technical weight of merit points and of quality and cost, per mille (price: the rest).
    pub technical_weight_permille: Figure,
    /// The lowest technical score (0–100) that passes under merit methods.
    pub passing_technical_score: Figure,
    /// Ties: the higher technical score, then the earlier commitment on the log.
    pub tie_rule: String,
    /// Where the tie rule comes from and whether it was confirmed.
    pub tie_rule_confirmed: bool,
}

/// Dates as `YYYY-MM-DD` (rule-set files, plan items, the public log).
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;
    use time::macros::format_description;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format(FORMAT).map_err(serde::ser::Error::custom)?)
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s, FORMAT).map_err(serde::de::Error::custom)
    }
}

/// Serde for an optional `YYYY-MM-DD` date (null when absent).
pub mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `YYYY-MM-DD` or null.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::iso_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD` or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::iso_date")] Date);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// A rule that was broken: which rule set, which rule (a stable code that is also the message key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule_set}: {rule}")]
pub struct RuleViolation {
    /// The rule set's id.
    pub rule_set: String,
    /// The rule's code.
    pub rule: &'static str,
}

/// A rule-set file that does not parse (caught by the tests).
#[derive(Debug, thiserror::Error)]
#[error("rule set {0}: {1}")]
pub struct BadRuleSet(&'static str, String);

const BUILT_IN: [(&str, &str); 3] = [
    ("perpres-16-2018", include_str!("../rules/perpres-16-2018.json")),
    ("perpres-12-2021", include_str!("../rules/perpres-12-2021.json")),
    ("perpres-46-2025", include_str!("../rules/perpres-46-2025.json")),
];

/// The rule sets lelang ships, oldest first. Deployments may add their own as data.
pub fn built_in() -> Result<Vec<RuleSet>, BadRuleSet> {
    BUILT_IN
        .iter()
        .map(|(id, src)| serde_json::from_str::<RuleSet>(src).map_err(|e| BadRuleSet(id, e.to_string())))
        .collect()
}

/// The rule set in force on `day`: the newest whose effective date is not after it.
pub fn in_force(sets: &[RuleSet], day: Date) -> Option<&RuleSet> {
    sets.iter()
        .filter(|s| s.effective_from <= day)
        .max_by_key(|s| s.effective_from)
}

impl RuleSet {
    fn violation(&self, rule: &'static str) -> RuleViolation {
        RuleViolation {
            rule_set: self.id.clone(),
            rule,
        }
    }

    /// The methods allowed for a package of this category and value (its HPS).
    pub fn allowed_methods(&self, category: Category, value: Rupiah) -> Vec<Method> {
        self.methods
            .get(&category)
            .map(|ms| {
                ms.iter()
                    .copied()
                    .filter(|m| self.check_method(category, value, *m).is_ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Checks a method for a package; the error names the rule.
    pub fn check_method(
        &self,
        category: Category,
        value: Rupiah,
        method: Method,
    ) -> Result<(), RuleViolation> {
        if value <= 0 {
            return Err(self.violation("value-positive"));
        }
        if !self.methods.get(&category).is_some_and(|ms| ms.contains(&method)) {
            return Err(self.violation("method-not-for-category"));
        }
        let limit = self.direct_procurement_max.get(&category).copied().unwrap_or(0);
        match method {
            Method::PengadaanLangsung if value > limit => Err(self.violation("direct-procurement-limit")),
            m if m.competitive() && value <= limit => Err(self.violation("competition-below-direct-limit")),
            _ => Ok(()),
        }
    }

    /// Checks an evaluation method for a category; the error names the rule.
    pub fn check_evaluation(
        &self,
        category: Category,
        method: EvaluationMethod,
    ) -> Result<(), RuleViolation> {
        if self
            .evaluation_methods
            .get(&category)
            .is_some_and(|ms| ms.contains(&method))
        {
            Ok(())
        } else {
            Err(self.violation("evaluation-not-for-category"))
        }
    }

    /// Checks that the budget ceiling covers the owner's estimate (pagu ≥ HPS).
    pub fn check_budget(&self, budget_ceiling: Rupiah, owner_estimate: Rupiah) -> Result<(), RuleViolation> {
        if owner_estimate <= 0 {
            return Err(self.violation("value-positive"));
        }
        if budget_ceiling < owner_estimate {
            return Err(self.violation("pagu-below-hps"));
        }
        Ok(())
    }

    /// Whether the budget holder decides the winner of a package of this category and ceiling.
    pub fn budget_holder_decides(&self, category: Category, budget_ceiling: Rupiah) -> bool {
        let e = &self.evaluation;
        let limit = if category == Category::Consulting {
            e.budget_holder_decides_above_consulting.value
        } else {
            e.budget_holder_decides_above.value
        };
        budget_ceiling > limit
    }

    /// The most all amendments together may add to a contract signed at `signed_value`, rounded
    /// down to the rupiah.
    pub fn amendment_increase_limit(&self, signed_value: Rupiah) -> Rupiah {
        let p = i128::from(self.contract.amendment_increase_permille.value);
        (i128::from(signed_value) * p / 1000) as Rupiah
    }

    /// A share of `value` in per mille, rounded up to the rupiah (a guarantee's floor).
    pub fn permille_up(value: Rupiah, permille: &Figure) -> Rupiah {
        ((i128::from(value) * i128::from(permille.value) + 999) / 1000) as Rupiah
    }

    /// The appeal guarantee for a construction package (1 % of HPS under every rule set so far),
    /// rounded up to the rupiah.
    pub fn appeal_guarantee(&self, owner_estimate: Rupiah) -> Rupiah {
        let p = i128::from(self.periods.appeal_guarantee_permille);
        ((i128::from(owner_estimate) * p + 999) / 1000) as Rupiah
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn set(id: &str) -> RuleSet {
        built_in()
            .expect("parse")
            .into_iter()
            .find(|s| s.id == id)
            .expect("exists")
    }

    #[test]
    fn built_in_sets_parse_and_cover_every_category() {
        let sets = built_in().expect("parse");
        assert_eq!(sets.len(), 3);
        for s in &sets {
            for c in Category::ALL {
                assert!(s.direct_procurement_max.contains_key(&c), "{} {c:?}", s.id);
                assert!(!s.methods[&c].is_empty() && !s.evaluation_methods[&c].is_empty());
            }
            assert_eq!(s.periods.objection_calendar_days, 5);
            assert!(s.stages.iter().any(|st| st.kind == StageKind::Submission));
        }
        assert_eq!(
            in_force(&sets, date!(2020 - 01 - 01)).map(|s| s.id.as_str()),
            Some("perpres-16-2018")
        );
        assert_eq!(
            in_force(&sets, date!(2024 - 06 - 01)).map(|s| s.id.as_str()),
            Some("perpres-12-2021")
        );
        assert_eq!(
            in_force(&sets, date!(2026 - 11 - 28)).map(|s| s.id.as_str()),
            Some("perpres-46-2025")
        );
        assert_eq!(in_force(&sets, date!(2017 - 01 - 01)), None);
    }

    #[test]
    fn allowed_methods_by_category_and_value_under_each_rule_set() {
        use Category::*;
        use Method::*;
        let juta = 1_000_000;
        // (rule set, category, value, expected)
        let cases: &[(&str, Category, Rupiah, &[Method])] = &[
            (
                "perpres-16-2018",
                Goods,
                150 * juta,
                &[PengadaanLangsung, PenunjukanLangsung],
            ),
            (
                "perpres-16-2018",
                Goods,
                200 * juta,
                &[PengadaanLangsung, PenunjukanLangsung],
            ),
            (
                "perpres-16-2018",
                Goods,
                200 * juta + 1,
                &[Tender, TenderCepat, PenunjukanLangsung],
            ),
            (
                "perpres-16-2018",
                Works,
                350 * juta,
                &[Tender, TenderCepat, PenunjukanLangsung],
            ),
            (
                "perpres-16-2018",
                Consulting,
                100 * juta,
                &[PengadaanLangsung, PenunjukanLangsung],
            ),
            (
                "perpres-16-2018",
                Consulting,
                150 * juta,
                &[Seleksi, PenunjukanLangsung],
            ),
            (
                "perpres-12-2021",
                Works,
                350 * juta,
                &[Tender, TenderCepat, PenunjukanLangsung],
            ),
            (
                "perpres-12-2021",
                OtherServices,
                90 * juta,
                &[PengadaanLangsung, PenunjukanLangsung],
            ),
            // Perpres 46/2025 raises the construction limit to Rp400 juta and adds Tender Terbatas.
            (
                "perpres-46-2025",
                Works,
                350 * juta,
                &[PengadaanLangsung, PenunjukanLangsung],
            ),
            (
                "perpres-46-2025",
                Works,
                400 * juta + 1,
                &[Tender, TenderCepat, TenderTerbatas, PenunjukanLangsung],
            ),
            (
                "perpres-46-2025",
                Goods,
                250 * juta,
                &[Tender, TenderCepat, TenderTerbatas, PenunjukanLangsung],
            ),
            (
                "perpres-46-2025",
                Consulting,
                2_000 * juta,
                &[Seleksi, PenunjukanLangsung],
            ),
        ];
        for (id, cat, value, expected) in cases {
            assert_eq!(
                set(id).allowed_methods(*cat, *value),
                expected.to_vec(),
                "{id} {cat:?} {value}"
            );
        }
    }

    #[test]
    fn violations_name_their_rule() {
        let s = set("perpres-46-2025");
        let juta = 1_000_000;
        let v = s
            .check_method(Category::Goods, 250 * juta, Method::PengadaanLangsung)
            .expect_err("over the limit");
        assert_eq!(
            (v.rule_set.as_str(), v.rule),
            ("perpres-46-2025", "direct-procurement-limit")
        );
        assert_eq!(
            s.check_method(Category::Consulting, 500 * juta, Method::Tender)
                .expect_err("wrong")
                .rule,
            "method-not-for-category"
        );
        assert_eq!(
            s.check_method(Category::Goods, 50 * juta, Method::Tender)
                .expect_err("too small")
                .rule,
            "competition-below-direct-limit"
        );
        assert_eq!(
            s.check_method(Category::Goods, 0, Method::Tender)
                .expect_err("zero")
                .rule,
            "value-positive"
        );
        assert_eq!(
            set("perpres-16-2018")
                .check_method(Category::Works, 500 * juta, Method::TenderTerbatas)
                .expect_err("not yet")
                .rule,
            "method-not-for-category"
        );
        assert_eq!(
            s.check_evaluation(Category::Consulting, EvaluationMethod::SistemGugur)
                .expect_err("x")
                .rule,
            "evaluation-not-for-category"
        );
        assert!(
            s.check_evaluation(Category::Works, EvaluationMethod::SistemGugur)
                .is_ok()
        );
        assert_eq!(s.check_budget(100, 101).expect_err("pagu").rule, "pagu-below-hps");
        assert!(s.check_budget(101, 101).is_ok());
        assert_eq!(s.appeal_guarantee(1_234_567_891), 12_345_679);
    }
}
