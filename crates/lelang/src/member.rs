//! A pokja member's own side, on the command line: make and enrol an age identity, deal and check
//! in the tender's key ceremony, and compute partial decryptions at the opening. The identity never
//! leaves the member's machine in clear; the server is reached with the member's API token
//! (`LELANG_TOKEN`, never on the command line where other users' `ps` would show it).

use anyhow::{Context, anyhow, bail};
use lelang_core::sealing::{Ceremony, Opening, member};
use serde_json::{Value, json};
use std::path::Path;

/// Where a member's identity comes from.
pub enum IdentitySource<'a> {
    /// An age identity file (as `age-keygen` writes it).
    File(&'a Path),
    /// The member's passphrase-sealed copy on the server, opened here with the passphrase.
    Server(&'a str),
}

/// The server and the member's token.
pub struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of `base` with the API token.
    pub fn new(base: &str, token: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            agent: ureq::Agent::config_builder()
                .timeout_global(Some(std::time::Duration::from_secs(120)))
                .http_status_as_error(false)
                .build()
                .new_agent(),
        }
    }

    fn answer(path: &str, mut resp: ureq::http::Response<ureq::Body>) -> anyhow::Result<Value> {
        let status = resp.status();
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .with_context(|| format!("reading {path}"))?;
        if !status.is_success() {
            let detail = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_owned))
                .unwrap_or(text);
            bail!("{path}: HTTP {status}: {detail}");
        }
        if text.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).with_context(|| format!("reading {path}"))
    }

    /// GET a JSON resource.
    pub fn get(&self, path: &str) -> anyhow::Result<Value> {
        let resp = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .call()
            .with_context(|| format!("GET {path}"))?;
        Self::answer(path, resp)
    }

    /// Sends bytes of a sealed file from `offset` (`PATCH`, `Upload-Offset`). A 409 is not an
    /// error: its body says how much the server holds, to continue from there.
    pub fn upload(&self, path: &str, offset: u64, bytes: &[u8]) -> anyhow::Result<Value> {
        let resp = self
            .agent
            .patch(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/octet-stream")
            .header("Upload-Offset", offset.to_string())
            .send(bytes)
            .with_context(|| format!("PATCH {path}"))?;
        if resp.status() == 409 {
            let mut resp = resp;
            let text = resp
                .body_mut()
                .read_to_string()
                .with_context(|| format!("reading {path}"))?;
            return serde_json::from_str(&text).with_context(|| format!("reading {path}"));
        }
        Self::answer(path, resp)
    }

    /// Sends JSON with a method.
    pub fn send(&self, method: &str, path: &str, body: &Value) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.base);
        let req = match method {
            "PUT" => self.agent.put(url),
            _ => self.agent.post(url),
        };
        let resp = req
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .with_context(|| format!("{method} {path}"))?;
        Self::answer(path, resp)
    }
}

/// Reads the first identity of an age identity file.
pub fn read_identity_file(path: &Path) -> anyhow::Result<age::x25519::Identity> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .ok_or_else(|| anyhow!("{} holds no AGE-SECRET-KEY-1 line", path.display()))?
        .parse::<age::x25519::Identity>()
        .map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// Writes a new identity file readable by its owner only, refusing to overwrite one.
pub fn new_identity_file(path: &Path) -> anyhow::Result<age::x25519::Identity> {
    use std::io::Write;
    let id = age::x25519::Identity::generate();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {} (it must not exist)", path.display()))?;
    let secret = age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
    writeln!(
        f,
        "# lelang sealing identity\n# public key: {}\n{secret}",
        id.to_public()
    )?;
    f.sync_all()?;
    Ok(id)
}

/// The member's identity from its source.
pub fn identity(client: &Client, source: &IdentitySource<'_>) -> anyhow::Result<age::x25519::Identity> {
    match source {
        IdentitySource::File(p) => read_identity_file(p),
        IdentitySource::Server(passphrase) => {
            let k = client.get("/api/v1/me/sealing-key")?;
            let sealed = k["sealed_identity"]
                .as_str()
                .ok_or_else(|| anyhow!("no identity is kept on the server for you"))?;
            lelang_trust::seal::unseal_identity(sealed, passphrase).map_err(|e| anyhow!("{e}"))
        }
    }
}

/// The fingerprint of the member's two keys, computed here from the identity: what the member
/// reads out to the pokja in person (the server's copy of the keys must give the same).
pub fn fingerprint(id: &age::x25519::Identity) -> String {
    lelang_core::sealing::member_fingerprint(
        &id.to_public().to_string(),
        &lelang_trust::ceremony::signing_key_hex(id),
    )
}

/// Whether a passphrase is strong enough to seal an identity kept on the server: anyone with the
/// database can guess at it offline, so it is held to the password rules and at least 16
/// characters, and may not contain the user's name.
pub fn check_passphrase(passphrase: &str, username: &str) -> anyhow::Result<()> {
    if passphrase.chars().count() < 16 {
        bail!(
            "the passphrase must be at least 16 characters: anyone with the server's database can guess at it offline"
        );
    }
    lelang_core::password::check_new_password(passphrase, &[username])
        .map_err(|e| anyhow!("the passphrase is too weak: {e}"))
}

/// Enrols the identity's recipient and signing key; with a passphrase, also a sealed copy kept on
/// the server (the passphrase checked first).
pub fn enrol(
    client: &Client,
    id: &age::x25519::Identity,
    keep_with_passphrase: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(p) = keep_with_passphrase {
        let me = client.get("/api/v1/me")?;
        check_passphrase(p, me["user"]["username"].as_str().unwrap_or_default())?;
    }
    let sealed = keep_with_passphrase
        .map(|p| lelang_trust::seal::seal_identity(id, p).map_err(|e| anyhow!("{e}")))
        .transpose()?;
    let recipient = id.to_public().to_string();
    let signing_key = lelang_trust::ceremony::signing_key_hex(id);
    let v = client.send(
        "PUT",
        "/api/v1/me/sealing-key",
        &json!({"recipient": recipient, "signing_key": signing_key, "sealed_identity": sealed}),
    )?;
    let mine = fingerprint(id);
    // The server's copy must be of these keys; read out the fingerprint computed here.
    if v["recipient"].as_str() != Some(recipient.as_str())
        || v["signing_key"].as_str() != Some(signing_key.as_str())
    {
        bail!("the server recorded other keys than yours: do not use this server");
    }
    Ok(format!(
        "enrolled {recipient}\nyour fingerprint (computed here; read it out to your pokja in person): {mine}"
    ))
}

fn base(tender: &str) -> anyhow::Result<String> {
    let (slug, id) = tender
        .split_once('/')
        .ok_or_else(|| anyhow!("name the tender as REGENCY/PACKAGE-ID, e.g. banyuwangi/0190…"))?;
    Ok(format!("/api/v1/tenants/{slug}/packages/{id}"))
}

fn ceremony(v: &Value) -> anyhow::Result<(Ceremony, u16)> {
    let c: Ceremony = serde_json::from_value(v["ceremony"].clone()).context("reading the ceremony")?;
    let me = v["me"]
        .as_u64()
        .and_then(|m| u16::try_from(m).ok())
        .ok_or_else(|| anyhow!("you are not a member of this ceremony"))?;
    Ok((c, me))
}

/// Deals the member's sub-shares for the tender's ceremony, signed with its key (after checking
/// that the ceremony lists the member's own keys).
pub fn deal(client: &Client, tender: &str, id: &age::x25519::Identity) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let d = member::deal(&c, me, id).map_err(|e| anyhow!("refused: {e}"))?;
    let v = client.send("POST", &format!("{b}/ceremony/deal"), &serde_json::to_value(&d)?)?;
    Ok(format!(
        "dealt as member {me} of {}; stage now {}",
        c.members.len(),
        v["stage"].as_str().unwrap_or("?")
    ))
}

/// Checks the whole transcript (every dealer's signature and proof, the member's own keys) and
/// every sub-share the member received; confirms with a signature over the transcript hash and the
/// key computed here, or proves the cheating dealer. A transcript that does not hold is refused:
/// nothing is sent.
pub fn check(client: &Client, tender: &str, id: &age::x25519::Identity) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let verdict = member::verdict(&c, me, id).map_err(|e| anyhow!("refused ({}): {e}", e.code()))?;
    let v = client.send(
        "POST",
        &format!("{b}/ceremony/verdict"),
        &serde_json::to_value(&verdict)?,
    )?;
    Ok(match verdict {
        member::Verdict::Confirm(req) => format!(
            "every signature, proof and sub-share checked; the tender's key, computed here, is {}\nits fingerprint: {}\nstage now {}",
            req.recipient,
            lelang_core::sealing::fingerprint(&req.recipient),
            v["stage"].as_str().unwrap_or("?"),
        ),
        member::Verdict::Complain { dealer, .. } => {
            format!("dealer {dealer} sent a bad sub-share: proven to the server, the ceremony failed")
        }
    })
}

/// Computes and sends the member's partial decryptions for every bid of the opening — only after
/// the published deadline and grace window, by this machine's clock.
pub fn partials(client: &Client, tender: &str, id: &age::x25519::Identity) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let v = client.get(&format!("{b}/opening"))?;
    let o: Opening = serde_json::from_value(v["opening"].clone()).context("reading the opening")?;
    let opens_at = opens_at(&v["schedule"])?;
    let now = time::OffsetDateTime::now_utc();
    let p = member::partials(&c, &o, me, id, opens_at, now)
        .map_err(|e| anyhow!("refused ({}): {e}", e.code()))?;
    let v = client.send(
        "POST",
        &format!("{b}/opening/partials"),
        &json!({ "partials": p }),
    )?;
    let done = v["opening"]["completed_at"].is_string();
    Ok(format!(
        "sent partial decryptions for {} bids as member {me}; {}",
        o.bids.len(),
        if done {
            "the opening is complete"
        } else {
            "waiting for more members"
        }
    ))
}

/// When the opening is due by the published schedule: the deadline plus the grace window (the
/// later of that and what the server says, should the two differ).
fn opens_at(schedule: &Value) -> anyhow::Result<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let at = |k: &str| {
        schedule[k]
            .as_str()
            .and_then(|s| time::OffsetDateTime::parse(s, &Rfc3339).ok())
            .ok_or_else(|| anyhow!("the opening does not publish its schedule ({k})"))
    };
    let grace = schedule["upload_grace_minutes"]
        .as_i64()
        .ok_or_else(|| anyhow!("the opening does not publish its grace window"))?;
    let due = at("submission_deadline")? + time::Duration::minutes(grace);
    Ok(due.max(at("opens_at")?))
}
