// The pokja member's side of lelang's sealing, in the browser (see SEALING.md). Everything secret —
// the member's identity, the sub-shares it receives, its share of the tender's key — exists only
// in this page's memory; the server receives recipients, commitments, encrypted sub-shares and
// proven partial decryptions. The formats are the ones the Rust side (lelang-trust::seal,
// lelang-core::sealing) reads: compressed Edwards points and little-endian scalars in hex.

import { Decrypter, Encrypter, armor, generateX25519Identity, identityToRecipient } from "age-encryption";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, bytesToNumberLE, concatBytes, hexToBytes, numberToBytesLE, randomBytes } from "@noble/curves/utils.js";

const Point = ed25519.Point;
const B = Point.BASE;
const L = Point.Fn.ORDER;
const P = 2n ** 255n - 19n;
const DLEQ = new TextEncoder().encode("lelang/seal/dleq/v1");

const mod = (a, m) => ((a % m) + m) % m;
function pow(b, e, m) {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
const randomScalar = () => {
  for (;;) {
    const s = mod(bytesToNumberLE(randomBytes(64)), L);
    if (s !== 0n) return s;
  }
};
const scalarHex = (s) => bytesToHex(numberToBytesLE(s, 32));
const pointHex = (p) => bytesToHex(p.toBytes());
function scalarOf(hex) {
  const s = bytesToNumberLE(hexToBytes(hex));
  if (s >= L) throw new Error("not a canonical scalar");
  return s;
}
function pointOf(hex) {
  const p = Point.fromHex(hex);
  if (p.is0() || !p.isTorsionFree()) throw new Error("not a point of the prime-order group");
  return p;
}
const mul = (p, s) => (s === 0n ? Point.ZERO : p.multiply(s));

// The Edwards point with Montgomery u and sign 0, as curve25519-dalek's to_edwards(0) lifts it.
function lift(uHex) {
  const u = mod(bytesToNumberLE(hexToBytes(uHex)) & (2n ** 255n - 1n), P);
  if (u === P - 1n) throw new Error("not liftable");
  const y = mod((u - 1n) * pow(u + 1n, P - 2n, P), P);
  const p = Point.fromBytes(numberToBytesLE(y, 32));
  if (p.is0() || !p.isTorsionFree()) throw new Error("not a point of the prime-order group");
  return p;
}

const b64 = (bytes) => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

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

// --- the member's identity ---------------------------------------------------------------------

function identityFromText(text) {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.startsWith("AGE-SECRET-KEY-1"));
  if (!line) throw new Error("no-identity");
  return line;
}

// From a chosen identity file, else from the copy kept on the server, opened with the passphrase.
async function identity() {
  const file = document.getElementById("sealing-identity-file");
  if (file && file.files && file.files.length > 0) return identityFromText(await file.files[0].text());
  const pass = document.getElementById("sealing-passphrase");
  if (!pass || !pass.value) throw new Error("need-passphrase");
  const key = await api("GET", "/api/v1/me/sealing-key");
  if (!key.sealed_identity) throw new Error("no-kept-identity");
  const d = new Decrypter();
  d.addPassphrase(pass.value);
  let text;
  try {
    text = await d.decrypt(armor.decode(key.sealed_identity), "text");
  } catch {
    throw new Error("wrong-passphrase");
  }
  return identityFromText(text);
}

async function enrol() {
  const p1 = document.getElementById("enrol-passphrase").value;
  const p2 = document.getElementById("enrol-passphrase-again").value;
  if (p1.length < 12) throw new Error("passphrase-short");
  if (p1 !== p2) throw new Error("passphrase-mismatch");
  const replace = document.getElementById("enrol-replace");
  if (replace && !replace.checked) throw new Error("confirm-replace");
  const id = await generateX25519Identity();
  const recipient = await identityToRecipient(id);
  const e = new Encrypter();
  e.setPassphrase(p1);
  e.setScryptWorkFactor(18); // what the Rust side uses too
  const sealed = armor.encode(await e.encrypt(id));
  await api("PUT", "/api/v1/me/sealing-key", { recipient, sealed_identity: sealed });
  const shown = document.getElementById("sealing-recipient");
  if (shown) shown.textContent = recipient;
  const kept = document.getElementById("sealing-kept");
  if (kept) kept.textContent = kept.dataset.yes;
  // Offer the identity as a file too: with it, the member needs neither the server nor the passphrase.
  const a = document.getElementById("enrol-download");
  if (a) {
    a.href = URL.createObjectURL(new Blob([`# lelang sealing identity\n# public key: ${recipient}\n${id}\n`], { type: "text/plain" }));
    a.download = "lelang-identity.txt";
    a.hidden = false;
  }
  return recipient;
}

// --- the ceremony ------------------------------------------------------------------------------

function base() {
  return root().dataset.api;
}

async function ceremony() {
  const v = await api("GET", `${base()}/ceremony`);
  if (!v.me) throw new Error("not-a-member");
  return v;
}

async function startCeremony() {
  await api("POST", `${base()}/ceremony`, {});
}

async function deal() {
  const { ceremony: c, me } = await ceremony();
  const k = c.threshold;
  const coeffs = Array.from({ length: k }, randomScalar);
  const commitments = coeffs.map((a) => pointHex(mul(B, a)));
  const subShares = [];
  for (let j = 1; j <= c.members.length; j++) {
    let f = 0n;
    let x = 1n;
    for (const a of coeffs) {
      f = mod(f + a * x, L);
      x = mod(x * BigInt(j), L);
    }
    const msg = JSON.stringify({ ceremony: c.id, dealer: me, member: j, sub_share: scalarHex(f) });
    const e = new Encrypter();
    e.addRecipient(c.members[j - 1].recipient);
    subShares.push(b64(await e.encrypt(msg)));
  }
  coeffs.fill(0n);
  return api("POST", `${base()}/ceremony/deal`, { commitments, sub_shares: subShares });
}

// What dealer `d` sent member `me`, decrypted and checked against its commitments; throws a
// complaint (with the file key that proves it) when it does not hold.
async function received(c, d, me, id) {
  const raw = unb64(d.sub_shares[me - 1]);
  const dec = new Decrypter();
  dec.addIdentity(id);
  const complaint = async () => {
    const key = await dec.decryptHeader(raw);
    return { verdict: "complain", dealer: d.dealer, file_key: bytesToHex(key) };
  };
  let msg;
  try {
    msg = JSON.parse(await dec.decrypt(raw, "text"));
  } catch {
    throw { complaint: await complaint() };
  }
  let s;
  try {
    if (msg.ceremony !== c.id || msg.dealer !== d.dealer || msg.member !== me) throw new Error("misbound");
    s = scalarOf(msg.sub_share);
    if (s === 0n) throw new Error("zero sub-share"); // refused by the Rust side too
    let rhs = Point.ZERO;
    let x = 1n;
    for (const h of d.commitments) {
      rhs = rhs.add(mul(pointOf(h), x));
      x = mod(x * BigInt(me), L);
    }
    if (!mul(B, s).equals(rhs)) throw new Error("off the polynomial");
  } catch {
    throw { complaint: await complaint() };
  }
  return s;
}

async function check() {
  const { ceremony: c, me } = await ceremony();
  const id = await identity();
  let verdict = { verdict: "confirm" };
  for (const d of c.dealings) {
    try {
      await received(c, d, me, id);
    } catch (e) {
      if (e && e.complaint) {
        verdict = e.complaint;
        break;
      }
      throw e;
    }
  }
  return api("POST", `${base()}/ceremony/verdict`, verdict);
}

// --- the opening -------------------------------------------------------------------------------

function challenge(S, E, D, A1, A2) {
  const h = sha512(concatBytes(DLEQ, ...[B, S, E, D, A1, A2].map((p) => p.toBytes())));
  return mod(bytesToNumberLE(h), L);
}

function partial(share, uHex) {
  const E = lift(uHex);
  const S = mul(B, share);
  const D = mul(E, share);
  const r = randomScalar();
  const c = challenge(S, E, D, mul(B, r), mul(E, r));
  const z = mod(r + c * share, L);
  return { d: pointHex(D), c: scalarHex(c), z: scalarHex(z) };
}

async function startOpening() {
  await api("POST", `${base()}/opening`);
}

async function partials() {
  const { ceremony: c, me } = await ceremony();
  const { opening: o } = await api("GET", `${base()}/opening`);
  // What the server hands out is checked before the share is used.
  if (!c.outcome || c.outcome.status !== "completed" || o.ceremony_id !== c.id) throw new Error("failed");
  const id = await identity();
  let share = 0n;
  for (const d of c.dealings) share = mod(share + (await received(c, d, me, id).catch(() => {
    throw new Error("bad-sub-share");
  })), L);
  if (!mul(B, share).equals(pointOf(c.outcome.verification[me - 1]))) throw new Error("bad-sub-share");
  const out = o.bids.map((b) => b.points.map((u) => partial(share, u)));
  share = 0n;
  return api("POST", `${base()}/opening/partials`, { partials: out });
}

// --- the page ----------------------------------------------------------------------------------

const ACTIONS = { enrol, "start-ceremony": startCeremony, deal, check, "start-opening": startOpening, partials };

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

window.lelangSealing = { lift, partial, pointHex, scalarHex };
