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

/// Enrols the identity's recipient; with a passphrase, also a sealed copy kept on the server.
pub fn enrol(
    client: &Client,
    id: &age::x25519::Identity,
    keep_with_passphrase: Option<&str>,
) -> anyhow::Result<String> {
    let sealed = keep_with_passphrase
        .map(|p| lelang_trust::seal::seal_identity(id, p).map_err(|e| anyhow!("{e}")))
        .transpose()?;
    let recipient = id.to_public().to_string();
    client.send(
        "PUT",
        "/api/v1/me/sealing-key",
        &json!({"recipient": recipient, "sealed_identity": sealed}),
    )?;
    Ok(recipient)
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

/// Deals the member's sub-shares for the tender's ceremony.
pub fn deal(client: &Client, tender: &str) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let d = member::deal(&c, me).map_err(|e| anyhow!(e))?;
    let v = client.send("POST", &format!("{b}/ceremony/deal"), &serde_json::to_value(&d)?)?;
    Ok(format!(
        "dealt as member {me} of {}; stage now {}",
        c.members.len(),
        v["stage"].as_str().unwrap_or("?")
    ))
}

/// Checks every sub-share the member received and confirms, or proves the cheating dealer.
pub fn check(client: &Client, tender: &str, id: &age::x25519::Identity) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let verdict = member::verdict(&c, me, id);
    let v = client.send(
        "POST",
        &format!("{b}/ceremony/verdict"),
        &serde_json::to_value(&verdict)?,
    )?;
    Ok(match verdict {
        member::Verdict::Confirm => format!(
            "every sub-share checked; stage now {}{}",
            v["stage"].as_str().unwrap_or("?"),
            v["ceremony"]["outcome"]["recipient"]
                .as_str()
                .map(|r| format!("; the tender's recipient is {r}"))
                .unwrap_or_default()
        ),
        member::Verdict::Complain { dealer, .. } => {
            format!("dealer {dealer} sent a bad sub-share: proven to the server, the ceremony failed")
        }
    })
}

/// Computes and sends the member's partial decryptions for every bid of the opening.
pub fn partials(client: &Client, tender: &str, id: &age::x25519::Identity) -> anyhow::Result<String> {
    let b = base(tender)?;
    let (c, me) = ceremony(&client.get(&format!("{b}/ceremony"))?)?;
    let o: Opening = serde_json::from_value(client.get(&format!("{b}/opening"))?["opening"].clone())
        .context("reading the opening")?;
    let p = member::partials(&c, &o, me, id).map_err(|e| anyhow!(e))?;
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
