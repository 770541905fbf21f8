//! The demo: two regencies with their work units and officials in every role, and vendor
//! companies — loaded through the same commands users run, so every row has its event. Loading is
//! idempotent: what exists already is left alone.

use anyhow::{Context, anyhow};
use lelang_app::App;
use lelang_core::directory::{
    self, CreateTenant, CreateUser, CreateWorkUnit, RegisterVendor, bootstrap_platform_admin,
};
use lelang_core::model::{Tenant, TimeZone, User};
use lelang_core::password::check_new_password;
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::store::prelude::*;
use lelang_core::{TenantId, WorkUnitId};
use lelang_web::blobs::BlobStore;

mod disputes;
mod history;
pub mod sealing;
mod tenders;

/// The password of every demo account (printed by `lelang demo`; never use it elsewhere).
pub const DEMO_PASSWORD: &str = "gandrung sewu di pantai boom";

/// One account the demo creates, for the sign-in table it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Sign-in name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Where: the regency or company.
    pub context: String,
}

struct Official {
    username: &'static str,
    name: &'static str,
    role: Role,
    unit: Option<&'static str>,
}

const fn official(
    username: &'static str,
    name: &'static str,
    role: Role,
    unit: Option<&'static str>,
) -> Official {
    Official {
        username,
        name,
        role,
        unit,
    }
}

struct Regency {
    slug: &'static str,
    name: &'static str,
    units: &'static [(&'static str, &'static str)],
    admin: (&'static str, &'static str),
    officials: &'static [Official],
}

const REGENCIES: &[Regency] = &[
    Regency {
        slug: "banyuwangi",
        name: "Pemerintah Kabupaten Banyuwangi",
        units: &[
            ("DPU", "Dinas Pekerjaan Umum Pengairan"),
            ("DPUCKPP", "Dinas PU Cipta Karya, Perumahan dan Permukiman"),
            ("DINKES", "Dinas Kesehatan"),
            ("DISPENDIK", "Dinas Pendidikan"),
            ("DISHUB", "Dinas Perhubungan"),
        ],
        admin: ("bwi.admin", "Hendra Wijaya, S.Kom."),
        officials: &[
            official("bwi.ulp", "Ir. Suryani Rahayu, M.T.", Role::UlpHead, None),
            official("bwi.pokja1", "Agus Setiawan, S.T.", Role::PokjaMember, None),
            official("bwi.pokja2", "Dewi Lestari, S.E.", Role::PokjaMember, None),
            official("bwi.pokja3", "Rudi Hartono, S.T.", Role::PokjaMember, None),
            official("bwi.pokja4", "Nur Aini, S.H.", Role::PokjaMember, None),
            official("bwi.pokja5", "Yusuf Maulana, S.Kom.", Role::PokjaMember, None),
            official(
                "bwi.ppk.dpu",
                "Bambang Sutrisno, S.T., M.M.",
                Role::CommitmentOfficer,
                Some("DPU"),
            ),
            official(
                "bwi.ppk.dinkes",
                "dr. Ratna Kusuma",
                Role::CommitmentOfficer,
                Some("DINKES"),
            ),
            official("bwi.pa.dpu", "Ir. Joko Prasetyo", Role::BudgetHolder, Some("DPU")),
            official("bwi.apip", "Siti Aminah, Ak. (Inspektorat)", Role::Auditor, None),
            official(
                "bwi.aph",
                "Fajar Nugroho, S.H. (Kejaksaan Negeri)",
                Role::LawEnforcement,
                None,
            ),
        ],
    },
    Regency {
        slug: "trenggalek",
        name: "Pemerintah Kabupaten Trenggalek",
        units: &[
            ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
            ("DINKES", "Dinas Kesehatan, Pengendalian Penduduk dan KB"),
            ("DIKPORA", "Dinas Pendidikan, Pemuda dan Olahraga"),
        ],
        admin: ("tgl.admin", "Wahyu Hidayat, S.Kom."),
        officials: &[
            official("tgl.ulp", "Drs. Slamet Riyadi", Role::UlpHead, None),
            official("tgl.pokja1", "Eko Purnomo, S.T.", Role::PokjaMember, None),
            official("tgl.pokja2", "Lina Marlina, S.E.", Role::PokjaMember, None),
            official("tgl.pokja3", "Hadi Santoso, S.T.", Role::PokjaMember, None),
            official(
                "tgl.ppk.dpupr",
                "Teguh Wibowo, S.T.",
                Role::CommitmentOfficer,
                Some("DPUPR"),
            ),
            official(
                "tgl.pa.dpupr",
                "Ir. Sri Wahyuni",
                Role::BudgetHolder,
                Some("DPUPR"),
            ),
            official(
                "tgl.apip",
                "Indah Permatasari, Ak. (Inspektorat)",
                Role::Auditor,
                None,
            ),
            official(
                "tgl.aph",
                "Arif Budiman, S.H. (Kepolisian Resor)",
                Role::LawEnforcement,
                None,
            ),
        ],
    },
];

/// (company, NIB, home regency slug, user name, user display name)
const VENDORS: &[(&str, &str, Option<&str>, &str, &str)] = &[
    (
        "CV Blambangan Karya",
        "9120301234501",
        Some("banyuwangi"),
        "vendor.blambangan",
        "Made Arsana",
    ),
    (
        "PT Ijen Konstruksi Utama",
        "9120301234502",
        Some("banyuwangi"),
        "vendor.ijen",
        "Rina Fitriani",
    ),
    (
        "CV Prigi Sejahtera",
        "9120301234503",
        Some("trenggalek"),
        "vendor.prigi",
        "Dimas Saputra",
    ),
    (
        "PT Nusantara Medika Sarana",
        "9120301234504",
        None,
        "vendor.medika",
        "Yohanes Tanuwijaya",
    ),
];

fn actor_of(user: &User, role: Role, tenant: Option<TenantId>) -> Actor {
    Actor::User(UserActor {
        user_id: user.id,
        username: user.username.clone(),
        role,
        tenant_id: tenant,
        work_unit_id: None,
        vendor_id: user.vendor_id,
    })
}

async fn hash() -> anyhow::Result<String> {
    lelang_web::auth::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow!("hashing: {e}"))
}

async fn existing_user(store: &dyn Store, username: &str) -> anyhow::Result<Option<User>> {
    Ok(store.credentials(username).await?.map(|c| c.user))
}

/// How much of the demo to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The platform administrator, the regencies with their work units and officials, and the
    /// vendor companies with their users and second factors: who can sign in, and nothing else.
    People,
    /// Everything: plans, the calendar, packages, and tenders at every stage.
    Everything,
}

/// Loads the whole demo (idempotent) and returns the accounts to sign in with.
pub async fn load(app: &App, documents: &dyn BlobStore) -> anyhow::Result<Vec<DemoAccount>> {
    load_scope(app, documents, Scope::Everything).await
}

/// Loads part of the demo (idempotent) and returns the accounts to sign in with.
pub async fn load_scope(
    app: &App,
    documents: &dyn BlobStore,
    scope: Scope,
) -> anyhow::Result<Vec<DemoAccount>> {
    let store = app.store.as_ref();
    check_new_password(DEMO_PASSWORD, &[]).map_err(|e| anyhow!("demo password refused: {e}"))?;
    let mut accounts = Vec::new();

    let admin = match existing_user(store, "admin").await? {
        Some(u) => u,
        None => {
            let password_hash = hash().await?;
            app.run(|cx| bootstrap_platform_admin("admin", "Administrator Platform", password_hash, cx))
                .await
                .context("creating the platform administrator")?
        }
    };
    accounts.push(DemoAccount {
        username: "admin".into(),
        role: Role::PlatformAdmin,
        context: "platform".into(),
    });
    let platform = actor_of(&admin, Role::PlatformAdmin, None);

    for r in REGENCIES {
        let tenant: Tenant = match store.tenant_by_slug(r.slug).await? {
            Some(t) => t,
            None => {
                app.run(|cx| {
                    directory::create_tenant(
                        &platform,
                        CreateTenant {
                            slug: r.slug.into(),
                            name: r.name.into(),
                            time_zone: TimeZone::Wib,
                        },
                        cx,
                    )
                })
                .await?
            }
        };
        // The platform administrator appoints the regency's own administrator, who does the rest.
        let tenant_admin = match existing_user(store, r.admin.0).await? {
            Some(u) => u,
            None => {
                let password_hash = hash().await?;
                app.run(|cx| {
                    directory::create_user(
                        &platform,
                        CreateUser {
                            username: r.admin.0.into(),
                            display_name: r.admin.1.into(),
                            email: Some(format!("{}@{}kab.go.id", r.admin.0.replace('.', "_"), r.slug)),
                            tenant_id: Some(tenant.id),
                            vendor_id: None,
                            roles: vec![(Role::TenantAdmin, None)],
                            password_hash,
                        },
                        cx,
                    )
                })
                .await?
            }
        };
        accounts.push(DemoAccount {
            username: r.admin.0.into(),
            role: Role::TenantAdmin,
            context: tenant.name.clone(),
        });
        let ta = actor_of(&tenant_admin, Role::TenantAdmin, Some(tenant.id));

        let existing_units = store.work_units(tenant.id).await?;
        for (code, name) in r.units {
            if !existing_units.iter().any(|w| w.code == *code) {
                app.run(|cx| {
                    directory::create_work_unit(
                        &ta,
                        tenant.id,
                        CreateWorkUnit {
                            code: (*code).into(),
                            name: (*name).into(),
                        },
                        cx,
                    )
                })
                .await?;
            }
        }
        let units = store.work_units(tenant.id).await?;
        for o in r.officials {
            if existing_user(store, o.username).await?.is_none() {
                let unit: Option<WorkUnitId> = match o.unit {
                    Some(code) => Some(
                        units
                            .iter()
                            .find(|w| w.code == code)
                            .map(|w| w.id)
                            .ok_or_else(|| anyhow!("no unit {code}"))?,
                    ),
                    None => None,
                };
                let password_hash = hash().await?;
                app.run(|cx| {
                    directory::create_user(
                        &ta,
                        CreateUser {
                            username: o.username.into(),
                            display_name: o.name.into(),
                            email: Some(format!("{}@{}kab.go.id", o.username.replace('.', "_"), r.slug)),
                            tenant_id: Some(tenant.id),
                            vendor_id: None,
                            roles: vec![(o.role, unit)],
                            password_hash,
                        },
                        cx,
                    )
                })
                .await?;
            }
            let context = match o.unit {
                Some(code) => format!("{} · {code}", tenant.name),
                None => tenant.name.clone(),
            };
            accounts.push(DemoAccount {
                username: o.username.into(),
                role: o.role,
                context,
            });
        }
    }

    if scope == Scope::Everything {
        load_plans(app).await?;
        load_calendar(app, &platform).await?;
        load_packages(app).await?;
    }

    let vendors = store.vendors().await?;
    for (name, nib, home, username, display) in VENDORS {
        let vendor_id = match vendors.iter().find(|v| v.nib == *nib) {
            Some(v) => v.id,
            None => {
                let home_tenant_id = match home {
                    Some(slug) => store.tenant_by_slug(slug).await?.map(|t| t.id),
                    None => None,
                };
                let v = app
                    .run(|cx| {
                        directory::register_vendor(
                            &platform,
                            RegisterVendor {
                                name: (*name).into(),
                                nib: (*nib).into(),
                                home_tenant_id,
                            },
                            cx,
                        )
                    })
                    .await?;
                v.id
            }
        };
        if existing_user(store, username).await?.is_none() {
            let password_hash = hash().await?;
            app.run(|cx| {
                directory::create_user(
                    &platform,
                    CreateUser {
                        username: (*username).into(),
                        display_name: (*display).into(),
                        email: Some(format!("{}@example.co.id", username.replace('.', "_"))),
                        tenant_id: None,
                        vendor_id: Some(vendor_id),
                        roles: vec![(Role::Vendor, None)],
                        password_hash,
                    },
                    cx,
                )
            })
            .await?;
        }
        accounts.push(DemoAccount {
            username: (*username).into(),
            role: Role::Vendor,
            context: (*name).into(),
        });
    }
    if scope == Scope::Everything {
        tenders::load(app, documents).await?;
        history::load(app, documents).await?;
        disputes::load(app).await?;
        // Today the server's timer logs the complaints whose first answer is overdue.
        lelang_app::complaint::fire_overdue(app).await?;
    }
    load_second_factors(app).await?;
    Ok(accounts)
}

/// The key of every demo official's second factor (demo only: a real official's is their own,
/// made at their first sign-in). Put it in any authenticator app to sign in as a demo official.
pub const DEMO_SECOND_FACTOR: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// Banyuwangi requires a second factor (the default) and its officials in the roles that need one
/// have the demo key, as does the platform administrator; Trenggalek chose not to require one.
async fn load_second_factors(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    use lelang_core::second_factor::{Secret, enrol, recovery_codes, required, set_policy};
    let secret = Secret::from_base32(DEMO_SECOND_FACTOR).ok_or_else(|| anyhow!("demo key"))?;
    let mut bytes = [0u8; lelang_core::second_factor::RECOVERY_CODES * 8];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(97).wrapping_add(13);
    }
    let codes = recovery_codes(&bytes);
    if let Some(tgl) = store.tenant_by_slug("trenggalek").await?
        && tgl.second_factor_required
    {
        let admin = official_actor(store, "tgl.admin").await?;
        app.apply(|cx| set_policy(&admin, tgl.id, false, cx)).await?;
    }
    let mut scopes = vec![None];
    for t in store.tenants().await? {
        scopes.push(Some(t));
    }
    for tenant in scopes {
        for u in store.users(tenant.as_ref().map(|t| t.id)).await? {
            let policy = tenant.as_ref().is_none_or(|t| t.second_factor_required);
            let needs = store
                .role_grants(u.id)
                .await?
                .iter()
                .any(|g| required(g.role, policy));
            if needs && store.second_factor(u.id).await?.is_none() {
                app.apply(|cx| enrol(u.id, u.tenant_id, &secret, &codes, cx))
                    .await?;
            }
        }
    }
    Ok(())
}

/// The sign-in table `lelang demo` prints.
pub fn sign_in_table(accounts: &[DemoAccount]) -> String {
    let mut out = format!(
        "Sign in at /login with any of these accounts; the password of each is: {DEMO_PASSWORD}\n\
         Officials of Banyuwangi and the platform administrator also give a code from an \
         authenticator app holding the demo key {DEMO_SECOND_FACTOR}\n\n"
    );
    out.push_str(&format!("  {:<20} {:<20} {}\n", "username", "role", "where"));
    for a in accounts {
        out.push_str(&format!(
            "  {:<20} {:<20} {}\n",
            a.username,
            a.role.code(),
            a.context
        ));
    }
    out
}

/// (regency, unit, PPK, budget holder, announce?, items: (name, category, pagu, source, method))
type DemoPlan = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, &'static str, i64, &'static str, &'static str)],
);

const PLANS: &[DemoPlan] = &[
    (
        "banyuwangi",
        "DPU",
        "bwi.ppk.dpu",
        "bwi.pa.dpu",
        true,
        &[
            (
                "Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren",
                "works",
                3_250_000_000,
                "APBD",
                "tender",
            ),
            (
                "Pembangunan Jembatan Desa Kedungasri",
                "works",
                1_850_000_000,
                "DAK",
                "tender",
            ),
            (
                "Konsultan Pengawas Rehabilitasi Irigasi",
                "consulting",
                450_000_000,
                "APBD",
                "seleksi",
            ),
            (
                "Pemeliharaan Saluran Tersier Kecamatan Genteng",
                "works",
                380_000_000,
                "APBD",
                "pengadaan_langsung",
            ),
        ],
    ),
    (
        "banyuwangi",
        "DINKES",
        "bwi.ppk.dinkes",
        "",
        false,
        &[
            (
                "Pengadaan Alat Kesehatan Puskesmas Rawat Inap",
                "goods",
                2_400_000_000,
                "DAK",
                "tender",
            ),
            (
                "Obat dan Bahan Medis Habis Pakai",
                "goods",
                1_100_000_000,
                "APBD",
                "tender_cepat",
            ),
        ],
    ),
    (
        "trenggalek",
        "DPUPR",
        "tgl.ppk.dpupr",
        "tgl.pa.dpupr",
        true,
        &[
            (
                "Peningkatan Jalan Ruas Prigi - Karanggongso",
                "works",
                4_700_000_000,
                "APBD",
                "tender",
            ),
            (
                "Perencanaan Teknis Drainase Kota Trenggalek",
                "consulting",
                300_000_000,
                "APBD",
                "seleksi",
            ),
            (
                "Rehabilitasi Jembatan Kali Ngasinan Kecamatan Kampak",
                "works",
                2_200_000_000,
                "DAK",
                "tender",
            ),
        ],
    ),
];

/// The actor of a demo official acting in their own grant.
/// The PPK hands a package over with its readiness checklist and the ULP head accepts it, as a
/// regency does before its pokja is assigned (again after a return, with a note; nothing when it
/// is accepted already).
pub(crate) async fn hand_over(
    app: &App,
    tenant: &Tenant,
    package: lelang_core::PackageId,
    ppk: &str,
    ulp: &str,
) -> anyhow::Result<()> {
    use lelang_core::handover::{Entry, Item, Status};
    let store = app.store.as_ref();
    let current = store.handover(package).await?;
    let status = current.as_ref().map(|h| h.status);
    if status == Some(Status::Accepted) {
        return Ok(());
    }
    if status != Some(Status::Submitted) {
        let number = |i: usize| format!("027/{}/429.107/2026, 5 Oktober 2026", 101 + i);
        let checklist: Vec<Entry> = Item::ALL
            .iter()
            .enumerate()
            .map(|(i, item)| Entry {
                item: *item,
                reference: number(i),
            })
            .collect();
        let note = if current.is_some() {
            "Dokumen dilengkapi sesuai catatan."
        } else {
            ""
        };
        let by = official_actor(store, ppk).await?;
        lelang_app::handover::submit(app, &by, tenant, package, &checklist, note).await?;
    }
    let by = official_actor(store, ulp).await?;
    lelang_app::handover::decide(app, &by, tenant, package, lelang_app::handover::Decision::Accept).await?;
    Ok(())
}

pub(crate) async fn official_actor(store: &dyn Store, username: &str) -> anyhow::Result<Actor> {
    let user = existing_user(store, username)
        .await?
        .ok_or_else(|| anyhow!("no demo user {username}"))?;
    let grant = store
        .role_grants(user.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("{username} has no role"))?;
    Ok(Actor::User(UserActor {
        user_id: user.id,
        username: user.username,
        role: grant.role,
        tenant_id: grant.tenant_id,
        work_unit_id: grant.work_unit_id,
        vendor_id: user.vendor_id,
    }))
}

/// Next year's procurement plans: announced for two work units, a draft for a third.
async fn load_plans(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    use lelang_core::plan::NewPlanItem;
    use lelang_core::rules;
    let now = app.clock.now();
    let year = now.year() + 1;
    for (slug, code, ppk, pa, announce, items) in PLANS {
        let tenant = store
            .tenant_by_slug(slug)
            .await?
            .ok_or_else(|| anyhow!("no regency {slug}"))?;
        let unit = store
            .work_units(tenant.id)
            .await?
            .into_iter()
            .find(|w| w.code == *code)
            .ok_or_else(|| anyhow!("no unit {code}"))?;
        if store
            .plan_items(tenant.id, false)
            .await?
            .iter()
            .any(|p| p.work_unit_id == unit.id)
        {
            continue;
        }
        let start = time::Date::from_calendar_date(year, time::Month::February, 1)?;
        let end = time::Date::from_calendar_date(year, time::Month::November, 30)?;
        let new: Vec<NewPlanItem> = items
            .iter()
            .map(|(name, category, pagu, source, method)| {
                Ok(NewPlanItem {
                    fiscal_year: year,
                    name: (*name).into(),
                    category: rules::from_code(category).ok_or_else(|| anyhow!("category {category}"))?,
                    budget_ceiling: *pagu,
                    funding_source: (*source).into(),
                    planned_method: rules::from_code(method).ok_or_else(|| anyhow!("method {method}"))?,
                    planned_start: start,
                    planned_end: end,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let ppk = official_actor(store, ppk).await?;
        lelang_app::plan::enter(app, &ppk, tenant.id, unit.id, &new).await?;
        if *announce {
            let pa = official_actor(store, pa).await?;
            lelang_app::plan::announce(app, &pa, tenant.id, unit.id, year).await?;
        }
    }
    Ok(())
}

/// National holidays and cuti bersama of 2026 for the demo's schedules. Demo data: a deployment
/// enters the dates of the year's joint decree (SKB) on the calendar page.
const DAYS_OFF_2026: &[(&str, &str, &str)] = &[
    ("2026-01-01", "holiday", "Tahun Baru 2026 Masehi"),
    ("2026-01-16", "holiday", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "holiday", "Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-19", "holiday", "Hari Suci Nyepi Tahun Baru Saka 1948"),
    ("2026-03-20", "holiday", "Idul Fitri 1447 H"),
    ("2026-03-21", "holiday", "Idul Fitri 1447 H"),
    ("2026-03-23", "cuti_bersama", "Cuti bersama Idul Fitri 1447 H"),
    ("2026-03-24", "cuti_bersama", "Cuti bersama Idul Fitri 1447 H"),
    ("2026-04-03", "holiday", "Wafat Yesus Kristus"),
    ("2026-05-01", "holiday", "Hari Buruh Internasional"),
    ("2026-05-14", "holiday", "Kenaikan Yesus Kristus"),
    ("2026-05-27", "holiday", "Idul Adha 1447 H"),
    ("2026-05-31", "holiday", "Hari Raya Waisak 2570 BE"),
    ("2026-06-01", "holiday", "Hari Lahir Pancasila"),
    ("2026-06-16", "holiday", "Tahun Baru Islam 1448 H"),
    ("2026-08-17", "holiday", "Hari Kemerdekaan Republik Indonesia"),
    ("2026-08-25", "holiday", "Maulid Nabi Muhammad SAW"),
    ("2026-12-25", "holiday", "Hari Raya Natal"),
];

async fn load_calendar(app: &App, platform: &Actor) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    use lelang_core::calendar::{DayOff, DayOffKind, set_day_off};
    let existing = store.days_off(Some(2026)).await?;
    for (date, kind, name) in DAYS_OFF_2026 {
        let date = time::Date::parse(date, time::macros::format_description!("[year]-[month]-[day]"))?;
        if existing.iter().any(|d| d.date == date) {
            continue;
        }
        let kind = DayOffKind::from_code(kind).ok_or_else(|| anyhow!("day-off kind {kind}"))?;
        app.apply(|cx| {
            set_day_off(
                platform,
                DayOff {
                    date,
                    kind,
                    name: (*name).into(),
                },
                cx,
            )
        })
        .await?;
    }
    Ok(())
}

/// A package in each regency with its pokja; in Banyuwangi every member has declared.
async fn load_packages(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    use lelang_core::package::{HpsLine, NewPackage};
    let line = |d: &str, q: i64, u: &str, p: i64| HpsLine {
        description: d.into(),
        quantity: q,
        unit: u.into(),
        unit_price: p,
    };
    let cases = [
        (
            "banyuwangi",
            "bwi.ppk.dpu",
            "bwi.ulp",
            "Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren",
            "Kecamatan Rogojampi",
            true,
            vec![
                line("Galian tanah saluran", 4_200, "m3", 95_000),
                line("Pasangan batu kali 1:4", 1_850, "m3", 980_000),
                line("Beton K-225 bangunan bagi", 320, "m3", 1_650_000),
                line("Pintu air baja", 12, "unit", 27_500_000),
            ],
        ),
        (
            "trenggalek",
            "tgl.ppk.dpupr",
            "tgl.ulp",
            "Peningkatan Jalan Ruas Prigi - Karanggongso",
            "Kecamatan Watulimo",
            false,
            vec![
                line("Lapis pondasi agregat kelas A", 2_600, "m3", 690_000),
                line("Laston lapis aus (AC-WC)", 1_150, "ton", 1_780_000),
                line("Drainase beton U-ditch", 900, "m", 520_000),
            ],
        ),
    ];
    for (slug, ppk, ulp, item_name, location, declare, lines) in cases {
        let tenant = store
            .tenant_by_slug(slug)
            .await?
            .ok_or_else(|| anyhow!("no regency {slug}"))?;
        let Some(item) = store
            .plan_items(tenant.id, true)
            .await?
            .into_iter()
            .find(|i| i.name == item_name)
        else {
            continue;
        };
        if store
            .packages(tenant.id)
            .await?
            .iter()
            .any(|p| p.plan_item_id == item.id)
        {
            continue;
        }
        let by = official_actor(store, ppk).await?;
        let pkg = lelang_app::package::create(
            app,
            &by,
            tenant.id,
            item.id,
            NewPackage {
                hps_breakdown: lines,
                location: location.into(),
            },
        )
        .await?;
        // The ULP head takes the three least-loaded members, as the workload page suggests.
        let (candidates, _) = lelang_app::pokja::ranked(app, &tenant).await?;
        let chosen: Vec<_> = candidates.iter().take(3).map(|c| c.user_id).collect();
        hand_over(app, &tenant, pkg.id, ppk, ulp).await?;
        let by = official_actor(store, ulp).await?;
        let assignment = lelang_app::pokja::assign(app, &by, &tenant, pkg.id, &chosen).await?;
        if declare {
            for m in &assignment.members {
                let user = store.user(*m).await?.ok_or_else(|| anyhow!("member"))?;
                let actor = official_actor(store, &user.username).await?;
                lelang_app::pokja::declare(app, &actor, &tenant, pkg.id).await?;
            }
        }
    }
    Ok(())
}
