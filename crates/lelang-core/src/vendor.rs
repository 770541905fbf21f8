//! Vendors (penyedia): companies sign themselves up, keep one qualification profile that every
//! regency reuses (as SIKaP does nationally), are verified by a regency, and register for tenders.
//! The profile holds personal data (personnel) and tax details, so the public log holds only a
//! commitment to it.

use crate::command::{Change, CommandError, valid_email, valid_name, valid_username};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{TenantId, UserId, VendorId};
use crate::model::{RoleGrant, User, Vendor};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::qualification::Requirements;
use crate::role::Role;
use crate::rules::Rupiah;
use crate::tender::PublicTender;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The most entries of each list in a profile (keeps an event well under its size limit).
pub const MAX_PROFILE_ENTRIES: usize = 50;

/// A business licence (izin usaha) with the KBLI codes it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Its kind, e.g. "NIB/OSS", "SBU", "SIUJK".
    pub kind: String,
    /// Its number.
    pub number: String,
    /// KBLI codes (5 digits each).
    pub kbli: Vec<String>,
    /// Valid until (None: no expiry).
    #[serde(default, with = "crate::rules::iso_date_opt")]
    pub valid_until: Option<time::Date>,
}

/// A completed contract (pengalaman).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    /// The work.
    pub project: String,
    /// For whom.
    pub client: String,
    /// Year completed.
    pub year: i32,
    /// Contract value, rupiah.
    pub value: Rupiah,
}

/// A key person (tenaga ahli).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Name (personal data).
    pub name: String,
    /// Position, e.g. "Site manager".
    pub position: String,
    /// Certificate (SKK/SKA), if any.
    #[serde(default)]
    pub certificate: Option<String>,
}

/// Equipment the company can deploy (peralatan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equipment {
    /// What.
    pub name: String,
    /// How many.
    pub quantity: u32,
    /// Owned (true) or rented.
    pub owned: bool,
}

/// The company's tax standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxStatus {
    /// Registered for VAT (Pengusaha Kena Pajak).
    pub pkp: bool,
    /// The latest year whose annual return (SPT tahunan) was filed.
    #[serde(default)]
    pub last_return_year: Option<i32>,
}

/// The qualification profile of a company, reused for every tender in every regency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorProfile {
    /// NPWP (tax number), 15 or 16 digits.
    pub npwp: String,
    /// Registered address.
    pub address: String,
    /// Business licences.
    #[serde(default)]
    pub licences: Vec<Licence>,
    /// Completed contracts.
    #[serde(default)]
    pub experience: Vec<Experience>,
    /// Key personnel.
    #[serde(default)]
    pub personnel: Vec<Person>,
    /// Equipment.
    #[serde(default)]
    pub equipment: Vec<Equipment>,
    /// Tax standing.
    #[serde(default)]
    pub tax: TaxStatus,
}

/// A regency's decision on a company's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// The documents were checked and match.
    Verified,
    /// Something did not match; the note says what.
    Rejected,
}

impl VerificationStatus {
    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Rejected => "rejected",
        }
    }

    /// From a stored code.
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "verified" => Some(Self::Verified),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A regency's verification of a company's current profile. A new profile clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The company.
    pub vendor_id: VendorId,
    /// The regency that checked.
    pub tenant_id: TenantId,
    /// The decision.
    pub status: VerificationStatus,
    /// Why (required for a rejection).
    pub note: String,
    /// Who decided.
    pub by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

fn text(field: &'static str, s: &str, min: usize, max: usize) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min || n > max || !crate::text::is_clean_line(s) {
        return Err(invalid(field, "invalid-text"));
    }
    Ok(s.to_owned())
}

/// A profile as it may be stored: trimmed, every field in range, or the first field that is not.
pub fn check_profile(p: &VendorProfile, now: OffsetDateTime) -> Result<VendorProfile, CommandError> {
    let npwp: String = p.npwp.chars().filter(|c| !matches!(c, '.' | '-' | ' ')).collect();
    if !(npwp.len() == 15 || npwp.len() == 16) || !npwp.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("npwp", "invalid-npwp"));
    }
    let lists = [
        p.licences.len(),
        p.experience.len(),
        p.personnel.len(),
        p.equipment.len(),
    ];
    if lists.iter().any(|n| *n > MAX_PROFILE_ENTRIES) {
        return Err(invalid("profile", "too-many-entries"));
    }
    let year = now.year();
    let mut licences = Vec::new();
    for l in &p.licences {
        if l.kbli.is_empty()
            || l.kbli.len() > 20
            || l.kbli
                .iter()
                .any(|k| k.len() != 5 || !k.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(invalid("licences", "invalid-kbli"));
        }
        licences.push(Licence {
            kind: text("licences", &l.kind, 2, 60)?,
            number: text("licences", &l.number, 1, 100)?,
            kbli: l.kbli.clone(),
            valid_until: l.valid_until,
        });
    }
    let mut experience = Vec::new();
    for e in &p.experience {
        if e.year < 1970 || e.year > year {
            return Err(invalid("experience", "invalid-year"));
        }
        if e.value <= 0 || e.value > 1_000_000_000_000_000 {
            return Err(invalid("experience", "invalid-amount"));
        }
        experience.push(Experience {
            project: text("experience", &e.project, 2, 300)?,
            client: text("experience", &e.client, 2, 200)?,
            ..e.clone()
        });
    }
    let mut personnel = Vec::new();
    for x in &p.personnel {
        personnel.push(Person {
            name: text("personnel", &x.name, 2, 200)?,
            position: text("personnel", &x.position, 2, 100)?,
            certificate: match x.certificate.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(text("personnel", c, 1, 100)?),
            },
        });
    }
    let mut equipment = Vec::new();
    for x in &p.equipment {
        if x.quantity == 0 || x.quantity > 10_000 {
            return Err(invalid("equipment", "invalid-quantity"));
        }
        equipment.push(Equipment {
            name: text("equipment", &x.name, 2, 200)?,
            ..x.clone()
        });
    }
    if p.tax.last_return_year.is_some_and(|y| y < 1970 || y > year) {
        return Err(invalid("tax", "invalid-year"));
    }
    Ok(VendorProfile {
        npwp,
        address: text("address", &p.address, 5, 300)?,
        licences,
        experience,
        personnel,
        equipment,
        tax: p.tax,
    })
}

/// Input of [`sign_up`].
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Company name.
    pub company: String,
    /// NIB, 13 digits.
    pub nib: String,
    /// NPWP.
    pub npwp: String,
    /// Address.
    pub address: String,
    /// Home regency, if one of ours.
    pub home_tenant_id: Option<TenantId>,
    /// The first user's sign-in name.
    pub username: String,
    /// Their name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
}

/// A sign-up whose every field checked out, waiting for its password's hash: the caller checks
/// and hashes the password only after this, so that bad input costs no hashing.
#[derive(Debug)]
pub struct CheckedSignUp {
    vendor: Vendor,
    user: User,
    profile: VendorProfile,
    events: Vec<NewEvent>,
    now: OffsetDateTime,
}

impl CheckedSignUp {
    /// The sign-in name, as it will be stored.
    pub fn username(&self) -> &str {
        &self.user.username
    }

    /// The company, its first user and the change that stores them with this password hash
    /// (PHC-format argon2id).
    pub fn finish(self, password_hash: String) -> (Vendor, User, Change<Mutation>) {
        let Self {
            vendor,
            user,
            profile,
            events,
            now,
        } = self;
        use crate::directory::Mutation as Directory;
        let mutations = vec![
            Mutation::Directory(Directory::InsertVendor(vendor.clone())),
            Mutation::Directory(Directory::InsertUser {
                user: user.clone(),
                password_hash,
            }),
            Mutation::Directory(Directory::InsertRoleGrant(RoleGrant {
                user_id: user.id,
                role: Role::Vendor,
                tenant_id: None,
                work_unit_id: None,
            })),
            Mutation::UpsertVendorProfile {
                vendor_id: vendor.id,
                profile,
                clear_verifications: true,
                at: now,
            },
        ];
        (vendor, user, Change { events, mutations })
    }
}

/// A company signs itself up with its first user, who acts for it in the vendor role. The events
/// name that user as their actor: the company registered itself.
pub fn sign_up(input: SignUp, cx: &Cx<'_>) -> Result<CheckedSignUp, CommandError> {
    let now = cx.now;
    let nib = input.nib.trim().to_owned();
    if nib.len() != 13 || !nib.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("nib", "invalid-nib"));
    }
    let profile = check_profile(
        &VendorProfile {
            npwp: input.npwp,
            address: input.address,
            licences: vec![],
            experience: vec![],
            personnel: vec![],
            equipment: vec![],
            tax: TaxStatus::default(),
        },
        now,
    )?;
    let email = valid_email(Some(&input.email))?.ok_or(invalid("email", "invalid-email"))?;
    let vendor = Vendor {
        id: cx.id(),
        name: valid_name("company", &input.company)?,
        nib,
        home_tenant_id: input.home_tenant_id,
        created_at: now,
    };
    let user = User {
        id: cx.id(),
        username: valid_username(&input.username)?,
        display_name: valid_name("display_name", &input.display_name)?,
        email: Some(email),
        tenant_id: None,
        vendor_id: Some(vendor.id),
        active: true,
        created_at: now,
    };
    let events = vec![
        signed_up(
            cx,
            user.id,
            &crate::directory::Event::VendorRegistered {
                vendor_id: vendor.id,
                name: vendor.name.clone(),
                nib: vendor.nib.clone(),
                home_tenant_id: vendor.home_tenant_id,
            },
        )?,
        signed_up(
            cx,
            user.id,
            &crate::directory::Event::UserCreated {
                user_id: user.id,
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                email: user.email.clone(),
                tenant_id: None,
                vendor_id: Some(vendor.id),
            },
        )?,
        signed_up(
            cx,
            user.id,
            &crate::directory::Event::RoleGranted {
                user_id: user.id,
                role: Role::Vendor,
                tenant_id: None,
                work_unit_id: None,
            },
        )?,
        signed_up(
            cx,
            user.id,
            &Event::VendorProfileUpdated {
                vendor_id: vendor.id,
                profile: Box::new(profile.clone()),
            },
        )?,
    ];
    Ok(CheckedSignUp {
        vendor,
        user,
        profile,
        events,
        now,
    })
}

/// An event of a sign-up: its new user acted, in the vendor role.
fn signed_up(
    cx: &Cx<'_>,
    user: UserId,
    payload: &impl crate::event::Payload,
) -> Result<NewEvent, CommandError> {
    Ok(NewEvent::new(cx, None, Some(user), Some(Role::Vendor), payload)?)
}

fn vendor_user(actor: &Actor, vendor: VendorId) -> Result<UserId, CommandError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    actor
        .user()
        .map(|u| u.user_id)
        .ok_or(CommandError::Denied(Denied::Unauthenticated))
}

/// A company's user replaces its profile. If it changed, every regency's verification of the old
/// profile lapses: what was checked is no longer what is claimed. Saving it unchanged keeps them.
pub fn update_profile(
    actor: &Actor,
    vendor: VendorId,
    current: Option<&VendorProfile>,
    profile: &VendorProfile,
    cx: &Cx<'_>,
) -> Result<(VendorProfile, Change<Mutation>), CommandError> {
    let now = cx.now;
    let by = vendor_user(actor, vendor)?;
    let profile = check_profile(profile, now)?;
    let changed = current != Some(&profile);
    let event = NewEvent::new(
        cx,
        None,
        Some(by),
        Some(Role::Vendor),
        &Event::VendorProfileUpdated {
            vendor_id: vendor,
            profile: Box::new(profile.clone()),
        },
    )?;
    Ok((
        profile.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::UpsertVendorProfile {
                vendor_id: vendor,
                profile,
                clear_verifications: changed,
                at: now,
            }],
        },
    ))
}

/// A regency (its administrator or ULP head) records its check of a company's current profile.
pub fn verify(
    actor: &Actor,
    tenant: TenantId,
    vendor: &Vendor,
    has_profile: bool,
    status: VerificationStatus,
    note: &str,
    cx: &Cx<'_>,
) -> Result<(Verification, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ReviewVendors(tenant))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if !has_profile {
        return Err(invalid("vendor_id", "vendor-no-profile"));
    }
    let note = note.trim();
    if note.chars().count() > 1000
        || !crate::text::is_clean_line(note)
        || status == VerificationStatus::Rejected && note.chars().count() < 10
    {
        return Err(invalid("note", "verification-note"));
    }
    let v = Verification {
        vendor_id: vendor.id,
        tenant_id: tenant,
        status,
        note: note.to_owned(),
        by: a.user_id,
        at: now,
    };
    let event = NewEvent::new(
        cx,
        Some(tenant),
        Some(a.user_id),
        Some(a.role),
        &Event::VendorVerified {
            vendor_id: vendor.id,
            status,
            note: v.note.clone(),
        },
    )?;
    Ok((
        v.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::UpsertVerification(v)],
        },
    ))
}

/// Whether a company may take part in tenders: some regency of the deployment verified its current
/// profile and none of them rejected it since.
pub fn is_verified(verifications: &[Verification]) -> bool {
    let mut latest: Option<&Verification> = None;
    for v in verifications {
        if latest.is_none_or(|l| v.at >= l.at) {
            latest = Some(v);
        }
    }
    latest.is_some_and(|v| v.status == VerificationStatus::Verified)
}

/// A verified company registers for an announced tender, until its submission deadline. Who
/// registered stays out of the public log (a commitment only) to make collusion harder.
pub fn join_tender(
    actor: &Actor,
    vendor: VendorId,
    tender: &PublicTender,
    verifications: &[Verification],
    already: bool,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    let by = vendor_user(actor, vendor)?;
    if !is_verified(verifications) {
        return Err(invalid("vendor_id", "vendor-not-verified"));
    }
    if already {
        return Err(invalid("package_id", "already-registered"));
    }
    if now >= tender.submission_deadline {
        return Err(invalid("package_id", "tender-closed"));
    }
    let event = NewEvent::new(
        cx,
        Some(tender.tenant_id),
        Some(by),
        Some(Role::Vendor),
        &Event::TenderJoined {
            package_id: tender.package_id,
            vendor_id: vendor,
        },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::InsertParticipant {
            package_id: tender.package_id,
            vendor_id: vendor,
            at: now,
        }],
    })
}

/// A requirement a profile does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "unmet", rename_all = "snake_case")]
pub enum Unmet {
    /// The company has no qualification profile.
    NoProfile,
    /// No licence with a required KBLI code.
    Kbli,
    /// No valid SBU.
    Sbu,
    /// No completed contract of the value, in the years.
    Experience,
    /// Too few certified key personnel.
    Personnel,
    /// A piece of equipment missing.
    Equipment(String),
    /// Not PKP, or last year's return not filed.
    Tax,
    /// A mean performance rating below the minimum.
    Performance,
}

/// What of a tender's qualification requirements a profile does not meet on `today` (empty: all
/// met): what the pokja sees beside each bid at the qualification step. It informs; the pokja's
/// finding decides (a profile may be out of date, and the proof of qualification looks at the
/// originals). `record` is the company's rated contracts and their mean score, if any.
pub fn unmet(
    r: &Requirements,
    profile: Option<&VendorProfile>,
    record: Option<(usize, u32)>,
    today: time::Date,
) -> Vec<Unmet> {
    let Some(p) = profile else {
        return vec![Unmet::NoProfile];
    };
    let valid = |l: &Licence| l.valid_until.is_none_or(|d| d >= today);
    let mut out = Vec::new();
    if !r.kbli.is_empty()
        && !p
            .licences
            .iter()
            .filter(|l| valid(l))
            .any(|l| l.kbli.iter().any(|k| r.kbli.contains(k)))
    {
        out.push(Unmet::Kbli);
    }
    if r.sbu
        && !p
            .licences
            .iter()
            .any(|l| valid(l) && l.kind.to_uppercase().contains("SBU"))
    {
        out.push(Unmet::Sbu);
    }
    if let Some(min) = r.min_experience_value {
        let since = today.year() - r.experience_years as i32;
        let ok = p
            .experience
            .iter()
            .any(|e| e.value >= min && (r.experience_years == 0 || e.year >= since));
        if !ok {
            out.push(Unmet::Experience);
        }
    }
    let certified = p.personnel.iter().filter(|x| x.certificate.is_some()).count();
    if certified < r.key_personnel as usize {
        out.push(Unmet::Personnel);
    }
    for need in &r.equipment {
        let n = need.to_lowercase();
        if !p
            .equipment
            .iter()
            .any(|e| e.quantity > 0 && e.name.to_lowercase().contains(&n))
        {
            out.push(Unmet::Equipment(need.clone()));
        }
    }
    if r.tax && !(p.tax.pkp && p.tax.last_return_year.is_some_and(|y| y >= today.year() - 1)) {
        out.push(Unmet::Tax);
    }
    if let (Some(min), Some((_, score))) = (r.min_performance_score, record)
        && score < min
    {
        out.push(Unmet::Performance);
    }
    out
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A company's qualification profile was entered or replaced (confidential: committed, not
    /// shown, in the public log).
    VendorProfileUpdated {
        /// The company.
        vendor_id: VendorId,
        /// The profile.
        profile: Box<crate::vendor::VendorProfile>,
    },
    /// A regency verified (or rejected) a company's profile.
    VendorVerified {
        /// The company.
        vendor_id: VendorId,
        /// The decision.
        status: crate::vendor::VerificationStatus,
        /// Why.
        note: String,
    },
    /// A company registered for a tender (who: committed, not shown, in the public log).
    TenderJoined {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
    },
}

crate::privacy::event_table! {
    VendorProfileUpdated "vendor_profile_updated" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "the company",
        profile: Visibility::Commit(Confidential::VendorProfile) => "names staff (NIK) and tax details",
    }
    VendorVerified "vendor_verified" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "the company",
        status: PUBLIC => "whether it may bid",
        note: PUBLIC => "the regency's reason",
    }
    TenderJoined "tender_joined" actor: PARTICIPANT, role: PUBLIC, {
        package_id: PUBLIC => "someone registered",
        vendor_id: PARTICIPANT => "who takes part is kept from competitors",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A mutation of the directory (a company signing itself up).
    Directory(crate::directory::Mutation),
    /// A company's qualification profile, new or replaced (clears its verifications).
    UpsertVendorProfile {
        /// The company.
        vendor_id: VendorId,
        /// The profile.
        profile: crate::vendor::VendorProfile,
        /// Whether the regencies' verifications lapse (the profile changed).
        clear_verifications: bool,
        /// When.
        at: OffsetDateTime,
    },
    /// A regency's verification of a company, new or replacing its earlier one.
    UpsertVerification(crate::vendor::Verification),
    /// A company registered for a tender.
    InsertParticipant {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// When.
        at: OffsetDateTime,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{actor, now, world};

    fn profile() -> VendorProfile {
        VendorProfile {
            npwp: "01.234.567.8-627.000".into(),
            address: "Jl. Ahmad Yani 1, Banyuwangi".into(),
            licences: vec![Licence {
                kind: "SBU".into(),
                number: "SBU-1".into(),
                kbli: vec!["42101".into()],
                valid_until: None,
            }],
            experience: vec![],
            personnel: vec![],
            equipment: vec![],
            tax: TaxStatus::default(),
        }
    }

    #[test]
    fn profiles_are_checked_field_by_field() {
        let ok = check_profile(&profile(), now()).expect("valid");
        assert_eq!(ok.npwp, "012345678627000", "dots and dashes dropped");
        let mut p = profile();
        p.npwp = "12345".into();
        assert_eq!(
            check_profile(&p, now()).expect_err("npwp"),
            invalid("npwp", "invalid-npwp")
        );
        let mut p = profile();
        p.licences[0].kbli = vec!["4210".into()];
        assert_eq!(
            check_profile(&p, now()).expect_err("kbli"),
            invalid("licences", "invalid-kbli")
        );
        let mut p = profile();
        p.experience = vec![Experience {
            project: "Jalan".into(),
            client: "Dinas".into(),
            year: 2031,
            value: 1,
        }];
        assert_eq!(
            check_profile(&p, now()).expect_err("future"),
            invalid("experience", "invalid-year")
        );
        let mut p = profile();
        p.equipment = (0..51)
            .map(|i| Equipment {
                name: format!("Alat {i}"),
                quantity: 1,
                owned: true,
            })
            .collect();
        assert_eq!(
            check_profile(&p, now()).expect_err("many"),
            invalid("profile", "too-many-entries")
        );
    }

    #[test]
    fn a_changed_profile_needs_verification_again_and_only_the_verified_join() {
        let w = world();
        let vendor = VendorId::new();
        let me = actor(Role::Vendor, None, None, Some(vendor));
        let stored = check_profile(&profile(), now()).expect("valid");
        let clears = |current: Option<&VendorProfile>, p: &VendorProfile| match update_profile(
            &me,
            vendor,
            current,
            p,
            &crate::fixtures::cx(now()),
        )
        .expect("update")
        .1
        .mutations[0]
        {
            Mutation::UpsertVendorProfile {
                clear_verifications, ..
            } => clear_verifications,
            _ => panic!("unexpected mutation"),
        };
        assert!(!clears(Some(&stored), &profile()), "saved unchanged");
        let mut changed = profile();
        changed.address = "Jl. Brawijaya 2, Banyuwangi".into();
        assert!(clears(Some(&stored), &changed));
        let someone_else = actor(Role::Vendor, None, None, Some(VendorId::new()));
        assert!(
            update_profile(
                &someone_else,
                vendor,
                None,
                &profile(),
                &crate::fixtures::cx(now())
            )
            .is_err()
        );

        let setup = w.setup();
        let tender = w.announced(&setup);
        let decision = |status, at| Verification {
            vendor_id: vendor,
            tenant_id: w.tenant,
            status,
            note: String::new(),
            by: UserId::new(),
            at,
        };
        let verified = vec![decision(VerificationStatus::Verified, now())];
        assert_eq!(
            join_tender(&me, vendor, &tender, &[], false, &crate::fixtures::cx(now()))
                .expect_err("unverified"),
            invalid("vendor_id", "vendor-not-verified")
        );
        let later = now() + time::Duration::hours(1);
        let rejected_later = vec![
            decision(VerificationStatus::Verified, now()),
            decision(VerificationStatus::Rejected, later),
        ];
        assert!(!is_verified(&rejected_later), "the latest decision counts");
        assert_eq!(
            join_tender(&me, vendor, &tender, &verified, true, &crate::fixtures::cx(now()))
                .expect_err("twice"),
            invalid("package_id", "already-registered")
        );
        assert_eq!(
            join_tender(
                &me,
                vendor,
                &tender,
                &verified,
                false,
                &crate::fixtures::cx(tender.submission_deadline)
            )
            .expect_err("late"),
            invalid("package_id", "tender-closed")
        );
        let change = join_tender(
            &me,
            vendor,
            &tender,
            &verified,
            false,
            &crate::fixtures::cx(now()),
        )
        .expect("join");
        assert_eq!(change.events[0].event_type, "tender_joined");
    }

    #[test]
    fn a_company_signs_up_with_its_first_user_and_profile() {
        let input = |nib: &str| SignUp {
            company: "CV Sritanjung".into(),
            nib: nib.into(),
            npwp: "05.678.901.2-627.000".into(),
            address: "Jl. Brawijaya 7, Banyuwangi".into(),
            home_tenant_id: None,
            username: "sekar".into(),
            display_name: "Sekar Ayu".into(),
            email: "sekar@example.co.id".into(),
        };
        assert_eq!(
            sign_up(input("123"), &crate::fixtures::cx(now())).expect_err("nib"),
            invalid("nib", "invalid-nib")
        );
        let checked = sign_up(input("9120301299901"), &crate::fixtures::cx(now())).expect("sign up");
        assert_eq!(checked.username(), "sekar");
        let (v, u, change) = checked.finish("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
        assert_eq!(u.vendor_id, Some(v.id));
        let types: Vec<&str> = change.events.iter().map(|e| e.event_type).collect();
        assert_eq!(
            types,
            [
                "vendor_registered",
                "user_created",
                "role_granted",
                "vendor_profile_updated"
            ]
        );
        assert!(
            change.events.iter().all(|e| e.actor_id == Some(u.id)),
            "the company registered itself"
        );
    }
}

#[cfg(test)]
mod unmet_tests;
