//! The procurement plan (RUP, Rencana Umum Pengadaan): what each work unit intends to buy in a
//! fiscal year. A tender may start only from an announced plan item, and announcing makes the
//! plan public.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{PlanItemId, TenantId, WorkUnitId};
use crate::policy::{Action, Actor, authorize};
use crate::rules::{Category, Method, RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Where the money comes from.
pub const FUNDING_SOURCES: [&str; 6] = ["APBD", "APBN", "DAK", "BLUD", "HIBAH", "LAINNYA"];

/// The largest budget a plan item may state (Rp1 quadrillion): beyond it, a typo.
pub const MAX_BUDGET: Rupiah = 1_000_000_000_000_000;

/// One item of a work unit's procurement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// Its id.
    pub id: PlanItemId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The work unit that plans it.
    pub work_unit_id: WorkUnitId,
    /// Fiscal year (tahun anggaran).
    pub fiscal_year: i32,
    /// What is bought.
    pub name: String,
    /// Goods, works, consulting or other services.
    pub category: Category,
    /// Pagu: the budget ceiling, in rupiah.
    pub budget_ceiling: Rupiah,
    /// APBD, APBN, DAK, …
    pub funding_source: String,
    /// The method the unit plans to use.
    pub planned_method: Method,
    /// When the procurement is planned to start.
    #[serde(with = "crate::rules::iso_date")]
    pub planned_start: Date,
    /// When it is planned to end.
    #[serde(with = "crate::rules::iso_date")]
    pub planned_end: Date,
    /// The rule set the plan was checked against.
    pub rule_set: String,
    /// When it was announced (None: still a draft).
    #[serde(with = "time::serde::rfc3339::option")]
    pub announced_at: Option<OffsetDateTime>,
    /// When it was entered.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Input of [`create_plan_items`]: one plan item as entered or imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlanItem {
    /// Fiscal year.
    pub fiscal_year: i32,
    /// What is bought.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Pagu.
    pub budget_ceiling: Rupiah,
    /// Funding source.
    pub funding_source: String,
    /// Planned method.
    pub planned_method: Method,
    /// Planned start.
    #[serde(with = "crate::rules::iso_date")]
    pub planned_start: Date,
    /// Planned end.
    #[serde(with = "crate::rules::iso_date")]
    pub planned_end: Date,
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// Checks one plan item against the rules; the error names the field and the rule.
pub fn validate(item: &NewPlanItem, rules: &RuleSet) -> Result<NewPlanItem, CommandError> {
    let name = crate::command::valid_name("name", &item.name)?;
    if !(2000..=2100).contains(&item.fiscal_year) {
        return Err(invalid("fiscal_year", "invalid-fiscal-year"));
    }
    if item.budget_ceiling <= 0 || item.budget_ceiling > MAX_BUDGET {
        return Err(invalid("budget_ceiling", "invalid-budget"));
    }
    let source = item.funding_source.trim().to_uppercase();
    if !FUNDING_SOURCES.contains(&source.as_str()) {
        return Err(invalid("funding_source", "invalid-funding-source"));
    }
    if item.planned_end < item.planned_start {
        return Err(invalid("planned_end", "invalid-date-order"));
    }
    if (item.planned_start.year() - item.fiscal_year).abs() > 1 {
        return Err(invalid("planned_start", "invalid-date-year"));
    }
    rules
        .check_method(item.category, item.budget_ceiling, item.planned_method)
        .map_err(|v| invalid("planned_method", v.rule))?;
    Ok(NewPlanItem {
        name,
        funding_source: source,
        ..item.clone()
    })
}

/// A PPK or budget holder of the work unit enters plan items (one, or a whole import at once:
/// all are checked first, and either all are stored or none).
pub fn create_plan_items(
    actor: &Actor,
    tenant: TenantId,
    work_unit: WorkUnitId,
    items: &[NewPlanItem],
    rules: &RuleSet,
    cx: &Cx<'_>,
) -> Result<(Vec<PlanItem>, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManagePlan { tenant, work_unit })?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(crate::policy::Denied::Unauthenticated))?;
    if items.is_empty() {
        return Err(invalid("items", "invalid-empty-plan"));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut change = Change::default();
    for item in items {
        let v = validate(item, rules)?;
        let p = PlanItem {
            id: cx.id(),
            tenant_id: tenant,
            work_unit_id: work_unit,
            fiscal_year: v.fiscal_year,
            name: v.name,
            category: v.category,
            budget_ceiling: v.budget_ceiling,
            funding_source: v.funding_source,
            planned_method: v.planned_method,
            planned_start: v.planned_start,
            planned_end: v.planned_end,
            rule_set: rules.id.clone(),
            announced_at: None,
            created_at: now,
        };
        change.events.push(NewEvent::new(
            cx,
            Some(tenant),
            Some(a.user_id),
            Some(a.role),
            &Event::PlanItemCreated {
                plan_item: Box::new(p.clone()),
            },
        )?);
        change.mutations.push(Mutation::InsertPlanItem(p.clone()));
        out.push(p);
    }
    Ok((out, change))
}

/// The budget holder announces a work unit's draft plan items of a fiscal year: they become
/// public, and tenders may start from them.
pub fn announce_plan(
    actor: &Actor,
    tenant: TenantId,
    work_unit: WorkUnitId,
    fiscal_year: i32,
    drafts: &[PlanItem],
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    authorize(actor, Action::AnnouncePlan { tenant, work_unit })?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(crate::policy::Denied::Unauthenticated))?;
    let ids: Vec<PlanItemId> = drafts
        .iter()
        .filter(|p| p.work_unit_id == work_unit && p.fiscal_year == fiscal_year && p.announced_at.is_none())
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Err(invalid("fiscal_year", "invalid-nothing-to-announce"));
    }
    // Several events for a long plan, so that no log entry outgrows an entry bundle's 64 KiB.
    let mut change = Change::default();
    for chunk in ids.chunks(500) {
        let payload = Event::PlanAnnounced {
            work_unit_id: work_unit,
            fiscal_year,
            plan_items: chunk.to_vec(),
        };
        change.events.push(NewEvent::new(
            cx,
            Some(tenant),
            Some(a.user_id),
            Some(a.role),
            &payload,
        )?);
    }
    change
        .mutations
        .push(Mutation::AnnouncePlanItems { ids, at: now });
    Ok(change)
}

/// One problem in an imported plan, by row (the line number in the file) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line number in the file (the header is line 1).
    pub row: usize,
    /// The column (its header name).
    pub column: String,
    /// The rule broken (a message key).
    pub code: &'static str,
}

/// The columns of a plan file, Indonesian headers first, English accepted.
const COLUMNS: [(&str, &str); 8] = [
    ("nama", "name"),
    ("kategori", "category"),
    ("pagu", "budget_ceiling"),
    ("sumber_dana", "funding_source"),
    ("tahun_anggaran", "fiscal_year"),
    ("metode", "method"),
    ("mulai", "start"),
    ("selesai", "end"),
];

/// Largest plan file accepted, in rows.
pub const MAX_IMPORT_ROWS: usize = 5000;

fn parse_category(s: &str) -> Option<Category> {
    match s.trim().to_lowercase().replace([' ', '-'], "_").as_str() {
        "barang" | "goods" => Some(Category::Goods),
        "pekerjaan_konstruksi" | "konstruksi" | "works" => Some(Category::Works),
        "jasa_konsultansi" | "konsultansi" | "consulting" => Some(Category::Consulting),
        "jasa_lainnya" | "other_services" => Some(Category::OtherServices),
        _ => None,
    }
}

fn parse_method(s: &str) -> Option<Method> {
    crate::rules::from_code(&s.trim().to_lowercase().replace([' ', '-'], "_"))
}

/// Rupiah as written in Indonesia: digits with optional `.` thousands separators.
/// A rupiah amount as Indonesians write it: `Rp2.750.000.000`, `2750000000`, `1.500.000,00`.
/// Dots group thousands; a comma starts decimals, which must be zero (no sen in procurement), so
/// `1.500.000,50` and `1,5` are refused rather than read a hundred times too large.
pub fn parse_rupiah(s: &str) -> Option<Rupiah> {
    let s = s.trim().trim_start_matches("Rp").trim();
    let (whole, decimals) = s.split_once(',').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit() || c == '.')
        || !decimals.chars().all(|c| c == '0')
    {
        return None;
    }
    whole.replace('.', "").parse().ok()
}

/// `YYYY-MM-DD` or `DD/MM/YYYY`.
fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let id = time::macros::format_description!("[day]/[month]/[year]");
    Date::parse(s, iso).or_else(|_| Date::parse(s, id)).ok()
}

/// Reads a plan file (CSV, UTF-8, comma or semicolon separated) and checks every row against the
/// rules. Either every row is good and all items come back, or every problem comes back, row by
/// row — never a half-read plan.
pub fn parse_csv(bytes: &[u8], rules: &RuleSet) -> Result<Vec<NewPlanItem>, Vec<RowError>> {
    let err = |row, column: &str, code| {
        vec![RowError {
            row,
            column: column.to_owned(),
            code,
        }]
    };
    let text = std::str::from_utf8(bytes).map_err(|_| err(1, "", "import-not-utf8"))?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| err(1, "", "import-bad-header"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .into_records()
        .map(|r| r.ok().map(|rec| rec.iter().map(str::to_owned).collect()));
    parse_table(&headers, rows, rules)
}

/// Reads a plan table whatever file it came from (CSV here, a spreadsheet at the edge): a header
/// row naming the columns, then one row per item (`None`: a row that could not be read). The same
/// rules and the same all-or-nothing report as [`parse_csv`].
pub fn parse_table(
    headers: &[String],
    rows: impl Iterator<Item = Option<Vec<String>>>,
    rules: &RuleSet,
) -> Result<Vec<NewPlanItem>, Vec<RowError>> {
    let err = |row, column: &str, code| {
        vec![RowError {
            row,
            column: column.to_owned(),
            code,
        }]
    };
    let mut index = [usize::MAX; 8];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some(c) = COLUMNS.iter().position(|(id, en)| h == *id || h == *en) {
            index[c] = i;
        }
    }
    if let Some(missing) = COLUMNS.iter().zip(index).find(|(_, i)| *i == usize::MAX) {
        return Err(err(1, missing.0.0, "import-missing-column"));
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in rows.enumerate() {
        let row = n + 2;
        if n >= MAX_IMPORT_ROWS {
            return Err(err(row, "", "import-too-many-rows"));
        }
        let Some(record) = record else {
            errors.push(RowError {
                row,
                column: String::new(),
                code: "import-bad-row",
            });
            continue;
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |c: usize| record.get(index[c]).map(|x| x.trim()).unwrap_or("").to_owned();
        let mut bad = |c: usize, code| {
            errors.push(RowError {
                row,
                column: COLUMNS[c].0.to_owned(),
                code,
            })
        };
        let category = parse_category(&cell(1));
        let pagu = parse_rupiah(&cell(2));
        let year = cell(4).parse::<i32>().ok();
        let method = parse_method(&cell(5));
        let (start, end) = (parse_date(&cell(6)), parse_date(&cell(7)));
        let checks = [
            (1, category.is_none(), "invalid-category"),
            (2, pagu.is_none(), "invalid-budget"),
            (4, year.is_none(), "invalid-fiscal-year"),
            (5, method.is_none(), "invalid-method"),
            (6, start.is_none(), "invalid-date"),
            (7, end.is_none(), "invalid-date"),
        ];
        let mut ok = true;
        for (c, failed, code) in checks {
            if failed {
                bad(c, code);
                ok = false;
            }
        }
        let (Some(category), Some(pagu), Some(year), Some(method), Some(start), Some(end)) =
            (category, pagu, year, method, start, end)
        else {
            continue;
        };
        if !ok {
            continue;
        }
        let item = NewPlanItem {
            fiscal_year: year,
            name: cell(0),
            category,
            budget_ceiling: pagu,
            funding_source: cell(3),
            planned_method: method,
            planned_start: start,
            planned_end: end,
        };
        match validate(&item, rules) {
            Ok(v) => items.push(v),
            Err(CommandError::Invalid { field, code }) => {
                let column = match field {
                    "name" => "nama",
                    "budget_ceiling" => "pagu",
                    "funding_source" => "sumber_dana",
                    "fiscal_year" => "tahun_anggaran",
                    "planned_method" => "metode",
                    "planned_start" => "mulai",
                    "planned_end" => "selesai",
                    other => other,
                };
                errors.push(RowError {
                    row,
                    column: column.to_owned(),
                    code,
                });
            }
            Err(_) => errors.push(RowError {
                row,
                column: String::new(),
                code: "import-bad-row",
            }),
        }
    }
    if items.is_empty() && errors.is_empty() {
        return Err(err(2, "", "invalid-empty-plan"));
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A plan item (RUP) was entered.
    PlanItemCreated {
        /// The item as entered.
        plan_item: Box<crate::plan::PlanItem>,
    },
    /// A work unit's plan for a fiscal year was announced: its items became public.
    PlanAnnounced {
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// The fiscal year.
        fiscal_year: i32,
        /// The items announced.
        plan_items: Vec<crate::ids::PlanItemId>,
    },
}

crate::privacy::event_table! {
    PlanItemCreated "plan_item_created" actor: PERSONAL, role: PUBLIC, {
        plan_item: Visibility::Commit(Confidential::DraftPlan) => "internal until its plan is announced",
    }
    PlanAnnounced "plan_announced" actor: PERSONAL, role: PUBLIC, {
        work_unit_id: PUBLIC => "the plan (RUP) is published by law",
        fiscal_year: PUBLIC => "its year",
        plan_items: PUBLIC => "the items made public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A new plan item (draft).
    InsertPlanItem(crate::plan::PlanItem),
    /// Plan items become public.
    AnnouncePlanItems {
        /// The items.
        ids: Vec<crate::ids::PlanItemId>,
        /// When.
        at: OffsetDateTime,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::policy::UserActor;
    use crate::role::Role;
    use time::macros::date;

    fn actor(role: Role, tenant: TenantId, unit: Option<WorkUnitId>) -> Actor {
        Actor::User(UserActor {
            user_id: UserId::new(),
            username: "u".into(),
            role,
            tenant_id: Some(tenant),
            work_unit_id: unit,
            vendor_id: None,
        })
    }

    fn item(pagu: Rupiah, method: Method) -> NewPlanItem {
        NewPlanItem {
            fiscal_year: 2026,
            name: "Rehabilitasi saluran irigasi Kalibaru".into(),
            category: Category::Works,
            budget_ceiling: pagu,
            funding_source: "apbd".into(),
            planned_method: method,
            planned_start: date!(2026 - 03 - 01),
            planned_end: date!(2026 - 09 - 30),
        }
    }

    fn rules() -> RuleSet {
        crate::rules::built_in().expect("rules").pop().expect("46/2025")
    }

    #[test]
    fn the_units_ppk_enters_items_checked_against_the_rules() {
        let (t, wu) = (TenantId::new(), WorkUnitId::new());
        let ppk = actor(Role::CommitmentOfficer, t, Some(wu));
        let (items, change) = create_plan_items(
            &ppk,
            t,
            wu,
            &[item(2_500_000_000, Method::Tender)],
            &rules(),
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect("ok");
        assert_eq!(items[0].funding_source, "APBD");
        assert_eq!(change.events[0].event_type, "plan_item_created");
        let e = create_plan_items(
            &ppk,
            t,
            wu,
            &[item(350_000_000, Method::Tender)],
            &rules(),
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect_err("too small to tender");
        assert_eq!(
            e,
            CommandError::Invalid {
                field: "planned_method",
                code: "competition-below-direct-limit"
            }
        );
        let other_unit = actor(Role::CommitmentOfficer, t, Some(WorkUnitId::new()));
        assert!(matches!(
            create_plan_items(
                &other_unit,
                t,
                wu,
                &[item(500_000_000, Method::Tender)],
                &rules(),
                &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH)
            ),
            Err(CommandError::Denied(_))
        ));
        let mut bad = item(500_000_000, Method::Tender);
        bad.planned_end = date!(2026 - 01 - 01);
        assert_eq!(
            validate(&bad, &rules()),
            Err(CommandError::Invalid {
                field: "planned_end",
                code: "invalid-date-order"
            })
        );
    }

    #[test]
    fn csv_import_is_all_or_nothing_with_row_errors() {
        let good = "nama;kategori;pagu;sumber_dana;tahun_anggaran;metode;mulai;selesai\n\
            Rehabilitasi Puskesmas Glenmore;pekerjaan konstruksi;1.250.000.000;APBD;2026;tender;2026-03-01;2026-08-31\n\
            Pengadaan obat;barang;Rp 150.000.000;DAK;2026;pengadaan_langsung;01/02/2026;30/04/2026\n";
        let items = parse_csv(good.as_bytes(), &rules()).expect("good file");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].budget_ceiling, 1_250_000_000);
        assert_eq!(items[1].planned_start, date!(2026 - 02 - 01));
        let bad = "name,category,budget_ceiling,funding_source,fiscal_year,method,start,end\n\
            Jalan desa,works,abc,APBD,2026,tender,2026-03-01,2026-08-31\n\
            Kursi kantor,goods,50.000.000,APBD,2026,tender,2026-03-01,2026-02-30\n\
            Konsultan pengawas,consulting,500.000.000,APBD,2026,tender,2026-03-01,2026-08-31\n\
            Meja,goods,10.000.000,APBD,2026,pengadaan_langsung,2026-03-01,2026-03-31\n";
        let errors = parse_csv(bad.as_bytes(), &rules()).expect_err("bad rows");
        let got: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "pagu", "invalid-budget"),
                (3, "selesai", "invalid-date"),
                (4, "metode", "method-not-for-category")
            ]
        );
        let missing = parse_csv(b"nama,pagu\nx,1\n", &rules()).expect_err("columns");
        assert_eq!(missing[0].code, "import-missing-column");
        assert_eq!(
            parse_csv(b"\xff\xfe", &rules()).expect_err("utf8")[0].code,
            "import-not-utf8"
        );
    }

    #[test]
    fn only_the_budget_holder_announces() {
        let (t, wu) = (TenantId::new(), WorkUnitId::new());
        let ppk = actor(Role::CommitmentOfficer, t, Some(wu));
        let (items, _) = create_plan_items(
            &ppk,
            t,
            wu,
            &[item(500_000_000, Method::Tender)],
            &rules(),
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect("ok");
        assert!(
            announce_plan(
                &ppk,
                t,
                wu,
                2026,
                &items,
                &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH)
            )
            .is_err()
        );
        let pa = actor(Role::BudgetHolder, t, Some(wu));
        let c = announce_plan(
            &pa,
            t,
            wu,
            2026,
            &items,
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect("announce");
        assert_eq!(c.events[0].event_type, "plan_announced");
        assert!(
            announce_plan(
                &pa,
                t,
                wu,
                2027,
                &items,
                &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH)
            )
            .is_err(),
            "nothing for 2027"
        );
    }

    #[test]
    fn rupiah_as_written() {
        assert_eq!(parse_rupiah("Rp2.750.000.000"), Some(2_750_000_000));
        assert_eq!(parse_rupiah("1.500.000,00"), Some(1_500_000));
        assert_eq!(parse_rupiah(" 900000 "), Some(900_000));
        assert_eq!(parse_rupiah("1.500.000,50"), None);
        assert_eq!(parse_rupiah("1,5"), None);
        assert_eq!(parse_rupiah("seratus"), None);
        assert_eq!(parse_rupiah(""), None);
    }
}
