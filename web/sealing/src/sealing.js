// The pokja member's side of lelang's sealing, in the browser (see SEALING.md). Everything secret —
// the member's identity, the sub-shares it receives, its share of the tender's key — exists only
// in this page's memory; the server receives recipients, signed commitments, encrypted sub-shares
// and proven partial decryptions. The cryptography and its byte formats are in ceremony.js (no
// page there, so node tests it); this file asks the server, unlocks the identity and shows.

import { Decrypter, Encrypter, armor, generateX25519Identity, identityToRecipient } from "age-encryption";
import {
  checkTranscript,
  fingerprint,
  lift,
  makeDeal,
  memberFingerprint,
  normalIdentity,
  openingPartials,
  ownKeys,
  partial,
  passphraseProblem,
  pointHex,
  refusal,
  scalarHex,
  signingKeyHex,
  transcriptSha256,
  verdict,
} from "./ceremony.js";

// --- the server -------------------------------------------------------------------------------

const root = () => document.getElementById("sealing");
function csrf() {
  return root().dataset.csrf;
}
async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? { "x-csrf-token": csrf() } : { "content-type": "application/json", "x-csrf-token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) {
    const e = new Error((json && (json.code || json.title)) || `HTTP ${r.status}`);
    e.code = json && json.code;
    throw e;
  }
  return json;
}

// --- showing what this page computed ------------------------------------------------------------

// A fingerprint computed here, never the server's: data-computed tells the page (and its tests)
// that the text is the client's.
function show(id, text) {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.dataset.computed = "true";
  // Kept for this tab across the reload that follows an action, for this ceremony only: the
  // member still sees what its own browser computed beside what the server shows.
  const scope = root() && root().dataset.ceremony;
  if (scope) {
    try {
      sessionStorage.setItem(`lelang-computed:${scope}:${id}`, text);
    } catch {
      // Storage refused (private mode): the value is shown until the reload only.
    }
  }
}

function restoreComputed() {
  const scope = root() && root().dataset.ceremony;
  if (!scope) return;
  for (const id of ["sealing-fingerprint-computed"]) {
    let text = null;
    try {
      text = sessionStorage.getItem(`lelang-computed:${scope}:${id}`);
    } catch {
      text = null;
    }
    const el = document.getElementById(id);
    if (el && text) {
      el.textContent = text;
      el.dataset.computed = "true";
    }
  }
}

// --- the member's identity ---------------------------------------------------------------------

// From a chosen identity file, else from the copy kept on the server, opened with the passphrase.
// The identity is a string, which JavaScript cannot wipe: callers drop it as soon as they can.
async function identity() {
  const file = document.getElementById("sealing-identity-file");
  if (file && file.files && file.files.length > 0) return normalIdentity(await file.files[0].text());
  const pass = document.getElementById("sealing-passphrase");
  if (!pass || !pass.value) throw refusal("need-passphrase");
  const key = await api("GET", "/api/v1/me/sealing-key");
  if (!key.sealed_identity) throw refusal("no-kept-identity");
  const d = new Decrypter();
  d.addPassphrase(pass.value);
  let bytes;
  try {
    bytes = await d.decrypt(armor.decode(key.sealed_identity));
  } catch {
    throw refusal("wrong-passphrase");
  }
  try {
    return normalIdentity(new TextDecoder().decode(bytes));
  } finally {
    bytes.fill(0);
  }
}

// The identity, unlocked, with the member's own keys; their fingerprint shown where the page has
// a place for it, so that the member can compare it with what the pokja noted.
async function unlock() {
  const id = await identity();
  const own = await ownKeys(id);
  show("sealing-member-fingerprint", memberFingerprint(own.recipient, own.signing_key));
  return { id, own };
}

async function enrol() {
  const p1 = document.getElementById("enrol-passphrase").value;
  const p2 = document.getElementById("enrol-passphrase-again").value;
  const problem = passphraseProblem(p1, p2, root().dataset.username);
  if (problem) throw refusal(problem);
  const replace = document.getElementById("enrol-replace");
  if (replace && !replace.checked) throw refusal("confirm-replace");
  let id = await generateX25519Identity();
  const recipient = await identityToRecipient(id);
  const signingKey = signingKeyHex(id);
  const print = memberFingerprint(recipient, signingKey);
  const e = new Encrypter();
  e.setPassphrase(p1);
  e.setScryptWorkFactor(18); // what the Rust side uses too
  const sealed = armor.encode(await e.encrypt(id));
  const kept = await api("PUT", "/api/v1/me/sealing-key", { recipient, signing_key: signingKey, sealed_identity: sealed });
  show("sealing-recipient", recipient);
  show("sealing-member-fingerprint", print);
  const keptEl = document.getElementById("sealing-kept");
  if (keptEl) keptEl.textContent = keptEl.dataset.yes;
  // Offer the identity as a file too: with it, the member needs neither the server nor the passphrase.
  const a = document.getElementById("enrol-download");
  if (a) {
    const text = `# lelang sealing identity\n# public key: ${recipient}\n# signing key: ${signingKey}\n# fingerprint: ${print}\n${id}\n`;
    a.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    a.download = "lelang-identity.txt";
    a.hidden = false;
  }
  id = null;
  // The server answers with what it enrolled: anything but the keys sent is not this member's.
  if (kept && (kept.recipient !== recipient || kept.signing_key !== signingKey)) throw refusal("transcript-tampered");
  return recipient;
}

// The member's fingerprint from its identity, checked against the key the server keeps for it.
async function memberPrint() {
  let { id, own } = await unlock();
  id = null;
  const kept = await api("GET", "/api/v1/me/sealing-key");
  if (!kept || kept.recipient !== own.recipient || (kept.signing_key && kept.signing_key !== own.signing_key)) {
    show("sealing-member-fingerprint", "");
    throw refusal("transcript-tampered");
  }
  return memberFingerprint(own.recipient, own.signing_key);
}

// --- the ceremony ------------------------------------------------------------------------------

function base() {
  return root().dataset.api;
}

async function ceremony() {
  const v = await api("GET", `${base()}/ceremony`);
  if (!v.me) throw refusal("not-a-member");
  return v;
}

async function startCeremony() {
  await api("POST", `${base()}/ceremony`, {});
}

async function deal() {
  const { ceremony: c, me } = await ceremony();
  let { id } = await unlock();
  const body = await makeDeal(c, me, id);
  id = null;
  return api("POST", `${base()}/ceremony/deal`, body);
}

async function check() {
  const { ceremony: c, me } = await ceremony();
  let { id } = await unlock();
  const { body, checked } = await verdict(c, me, id);
  id = null;
  // The key this page computed, before anything is sent: the member compares it with the others'.
  show("sealing-fingerprint-computed", checked.fingerprint);
  return api("POST", `${base()}/ceremony/verdict`, body);
}

// --- the opening -------------------------------------------------------------------------------

async function startOpening() {
  await api("POST", `${base()}/opening`);
}

async function partials() {
  const { ceremony: c, me } = await ceremony();
  const view = await api("GET", `${base()}/opening`);
  // Nothing is unlocked before the opening is due by this member's own clock (openingPartials
  // checks the schedule again, in full).
  const opensAt = Date.parse(view && view.schedule && view.schedule.opens_at);
  if (Number.isNaN(opensAt)) throw refusal("transcript-tampered");
  if (Date.now() < opensAt) throw refusal("opening-too-early");
  let { id } = await unlock();
  const { partials: out, checked } = await openingPartials(c, view, me, id, Date.now());
  id = null;
  show("sealing-fingerprint-computed", checked.fingerprint);
  return api("POST", `${base()}/opening/partials`, { partials: out });
}

// --- the page ----------------------------------------------------------------------------------

const ACTIONS = { enrol, fingerprint: memberPrint, "start-ceremony": startCeremony, deal, check, "start-opening": startOpening, partials };

function say(key, ok) {
  const status = document.getElementById("sealing-status");
  const msgs = root().dataset;
  const text = msgs[`msg${key.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`] || key;
  status.textContent = text;
  status.className = ok ? "flash ok" : "flash error";
  status.dataset.result = ok ? "ok" : key;
}

// Loaded again when htmx swaps in another sealing page: listen once.
if (!window.lelangSealing) document.addEventListener("click", async (ev) => {
  const button = ev.target.closest("button[data-sealing]");
  if (!button || !root()) return;
  ev.preventDefault();
  const action = button.dataset.sealing;
  if (!ACTIONS[action]) return;
  const buttons = document.querySelectorAll("button[data-sealing]");
  buttons.forEach((b) => (b.disabled = true));
  say("working", true);
  try {
    await ACTIONS[action]();
    say(`done-${action}`, true);
    if (button.dataset.reload !== "false") setTimeout(() => window.location.reload(), 600);
  } catch (e) {
    say((e && (e.code || e.message)) || "failed", false);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
});

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restoreComputed);
else restoreComputed();

window.lelangSealing = { lift, partial, pointHex, scalarHex, signingKeyHex, memberFingerprint, fingerprint, transcriptSha256, checkTranscript };
