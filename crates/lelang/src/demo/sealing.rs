//! The demo pokja's sealing keys and key ceremonies, run through the same commands and the same
//! member-side code as real members use. Demo identities are derived from the usernames so that a
//! visitor, the CLI and the tests can act as a demo member: never do this with real accounts.

use anyhow::anyhow;
use lelang_app::App;
use lelang_core::ids::PackageId;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::Actor;
use lelang_core::sealing::{self, Ceremony, member};
use sha2::{Digest, Sha256};

/// The scrypt work factor of the demo members' kept identities: their passphrase is the published
/// demo password, so the work factor protects nothing; a cheap one keeps the demo and the tests fast.
const DEMO_WORK_FACTOR: u8 = 10;

/// The demo member's age identity (`AGE-SECRET-KEY-1…`), derived from the username.
pub fn member_identity(username: &str) -> anyhow::Result<age::x25519::Identity> {
    let seed = Sha256::digest(format!("lelang demo sealing identity\n{username}").as_bytes());
    let hrp = bech32::Hrp::parse("age-secret-key-").map_err(|e| anyhow!("{e}"))?;
    let s = bech32::encode::<bech32::Bech32>(hrp, &seed)
        .map_err(|e| anyhow!("{e}"))?
        .to_uppercase();
    s.parse::<age::x25519::Identity>().map_err(|e| anyhow!("{e}"))
}

/// Enrols every member (if not yet) and runs the tender's ceremony to completion.
pub async fn ceremony(
    app: &App,
    package: PackageId,
    assignment: &PokjaAssignment,
    members: &[Actor],
) -> anyhow::Result<Ceremony> {
    let store = app.store.as_ref();
    if let Some(c) = store.ceremony(package).await?
        && c.recipient().is_some()
    {
        return Ok(c);
    }
    let mut keys = Vec::new();
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let username = &user.username;
        let key = match store.member_key(user.user_id).await? {
            Some(k) => k,
            None => {
                let id = member_identity(username)?;
                // Kept on the server under the demo password, so that a visitor signed in as a demo
                // member can take part in the browser (a cheap work factor: the password is public).
                let sealed =
                    lelang_trust::seal::seal_identity_with(&id, super::DEMO_PASSWORD, Some(DEMO_WORK_FACTOR))
                        .map_err(|e| anyhow!(e))?;
                app.run(|cx| {
                    sealing::enrol(
                        actor,
                        &id.to_public().to_string(),
                        &lelang_trust::ceremony::signing_key_hex(&id),
                        Some(&sealed),
                        DEMO_WORK_FACTOR,
                        cx,
                    )
                })
                .await?
            }
        };
        keys.push(key);
    }
    let lead = members.first().ok_or_else(|| anyhow!("no members"))?;
    let tenant = store
        .tenant(assignment.tenant_id)
        .await?
        .ok_or_else(|| anyhow!("no regency"))?;
    let l = lelang_app::tender::load(app, lead, tenant, package).await?;
    let mut c = lelang_app::sealing::start(app, lead, &l, None).await?;
    // Each member's own side (lelang_core::sealing::member) deals and checks, as its browser or
    // `lelang keys` would; the server's side is the same use case the API calls.
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let i = c.index_of(user.user_id).ok_or_else(|| anyhow!("not a member"))?;
        let d = member::deal(&c, i, &member_identity(&user.username)?).map_err(|e| anyhow!(e))?;
        c = lelang_app::sealing::deal(app, actor, &l, d).await?;
    }
    for actor in members {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let i = c.index_of(user.user_id).ok_or_else(|| anyhow!("not a member"))?;
        let req = match member::verdict(&c, i, &member_identity(&user.username)?) {
            Ok(member::Verdict::Confirm(req)) => req,
            v => return Err(anyhow!("demo ceremony: {v:?}")),
        };
        c = lelang_app::sealing::confirm(app, actor, &l, &req).await?;
    }
    Ok(c)
}

/// Runs the ceremony of a package whose pokja is assigned, acting as each member (demo and tests).
pub async fn ceremony_for(app: &App, package: PackageId) -> anyhow::Result<Ceremony> {
    let store = app.store.as_ref();
    for t in store.tenants().await? {
        let Some(a) = store
            .pokja_assignments(t.id)
            .await?
            .into_iter()
            .find(|a| a.package_id == package)
        else {
            continue;
        };
        let mut members = Vec::new();
        for m in &a.members {
            let u = store.user(*m).await?.ok_or_else(|| anyhow!("member"))?;
            members.push(super::official_actor(store, &u.username).await?);
        }
        return ceremony(app, package, &a, &members).await;
    }
    Err(anyhow!("no pokja for {package:?}"))
}

/// A demo bid's plaintext: a ZIP with the offer letter and the manifest naming tender and vendor,
/// with the price schedule whose written total is the price offered.
pub fn bid_archive(
    tender: PackageId,
    vendor: lelang_core::VendorId,
    company: &str,
    schedule: &lelang_core::price::PriceSchedule,
) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let price = schedule.total;
    let letter = format!(
        "SURAT PENAWARAN\n\n{company} menawarkan harga Rp {price} untuk paket ini, berlaku 60 hari kalender.\n"
    );
    let manifest = serde_json::json!({
        "tender": tender,
        "vendor": vendor,
        "price": price,
        "schedule": schedule,
        "documents": [{
            "name": "surat-penawaran.txt",
            "sha256": lelang_trust::seal::hex(&Sha256::digest(letter.as_bytes())),
        }],
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("surat-penawaran.txt", opts)?;
    z.write_all(letter.as_bytes())?;
    z.start_file("manifest.json", opts)?;
    z.write_all(manifest.to_string().as_bytes())?;
    z.finish()?;
    Ok(buf.into_inner())
}
