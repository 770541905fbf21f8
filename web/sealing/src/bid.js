// The vendor's side of lelang's sealed bids, in the browser (see SEALING.md). The bid's documents
// and price never leave this page in the clear: they are put in a ZIP archive with a manifest,
// encrypted with age to the tender's recipient, committed to (SHA-256 and size, answered with a
// signed receipt) and only then uploaded, in chunks that resume where the server stands.
//
// The page is <main id="bid-app" data-csrf data-tender data-vendor data-recipient data-bid
// data-bid-sha256 data-bid-size data-msg-*> with the #bid-* controls; `data-state` on it tells
// where the work is: sealing, committing, committed, uploading, uploaded, withdrawing, withdrawn
// or failed (with `data-error` saying why).

import { Encrypter } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { zipSync } from "fflate";
import { fingerprint } from "./fingerprint.js";

const CHUNK = 4 * 1024 * 1024;
const BACKOFF = [1, 2, 4, 8, 16]; // seconds between the tries of a failed upload step
const COMMIT_TRIES = 5; // retries of a commitment answered 503 or 429
const TIMEOUT = 180_000; // ms for one request: a stalled connection counts as a network error

const $ = (id) => document.getElementById(id);
const root = () => $("bid-app");
const data = () => root().dataset;
const enc = new TextEncoder();

// --- the page ----------------------------------------------------------------------------------

function msg(key) {
  return data()[`msg${key[0].toUpperCase()}${key.slice(1)}`] || key;
}

function say(text, ok) {
  const s = $("bid-status");
  if (!s) return;
  s.textContent = text;
  s.className = ok ? "flash ok" : "flash error";
}

function state(s, error) {
  const d = data();
  d.state = s;
  if (error) d.error = error;
  else delete d.error;
}

// An error the vendor is shown: `text` in #bid-status, `code` in data-error.
class Shown extends Error {
  constructor(code, text) {
    super(text);
    this.code = code;
  }
}

// "<waiting> — ⟳ 4 s (2/5)", or data-msg-retrying with {s} and {n} filled in when the page has it.
function retrying(base, seconds, n, of) {
  const t = data().msgRetrying;
  const note = t ? t.replace("{s}", seconds).replace("{n}", `${n}/${of}`) : `⟳ ${seconds} s (${n}/${of})`;
  say(`${base} — ${note}`, true);
}

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

let urls = {};
function link(id, blob, name) {
  const a = $(id);
  if (!a) return;
  if (urls[id]) URL.revokeObjectURL(urls[id]);
  urls[id] = URL.createObjectURL(blob);
  a.href = urls[id];
  a.download = name;
  a.hidden = false;
}

// --- hashing -----------------------------------------------------------------------------------

async function sha256Hex(bytes) {
  if (globalThis.crypto && crypto.subtle) {
    try {
      return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
    } catch {
      // fall through to the JavaScript one
    }
  }
  const h = sha256.create();
  for (let i = 0; i < bytes.length; i += CHUNK) {
    h.update(bytes.subarray(i, i + CHUNK));
    await sleep(0); // let the page breathe
  }
  return bytesToHex(h.digest());
}

// --- the server --------------------------------------------------------------------------------

const tenderPath = () => `/api/v1/tenders/${encodeURIComponent(data().tender)}/bids`;
const bidPath = (bid) => `${tenderPath()}/${encodeURIComponent(bid)}`;

// One request. Resolves to { status, json, retryAfter } for any HTTP answer; rejects only when no
// answer came (network error, timeout).
async function request(method, path, { json, bytes, headers = {} } = {}) {
  const h = { "x-csrf-token": data().csrf || "", ...headers };
  let body;
  if (json !== undefined) {
    h["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (bytes !== undefined) {
    h["content-type"] = "application/octet-stream";
    body = bytes;
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT);
  try {
    const r = await fetch(path, { method, credentials: "same-origin", headers: h, body, signal: ctl.signal });
    const text = await r.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: a proxy's page, say
    }
    return { status: r.status, json: parsed, retryAfter: retryAfter(r.headers.get("retry-after")) };
  } finally {
    clearTimeout(timer);
  }
}

// Retry-After in seconds (delta-seconds or an HTTP date), at most five minutes; null without one.
function retryAfter(v) {
  if (!v) return null;
  let s = /^\s*\d+\s*$/.test(v) ? Number(v) : (Date.parse(v) - Date.now()) / 1000;
  if (!Number.isFinite(s)) return null;
  return Math.min(300, Math.max(1, Math.ceil(s)));
}

// What an RFC 9457 problem says, for #bid-status: the page's own words for its code (in the
// user's language, from data-msg-code-<code>), else the server's.
function problem(r) {
  const j = r.json;
  if (j && typeof j.code === "string") {
    const key = "msgCode" + j.code.replace(/(^|-)([a-z])/g, (_, _d, c) => c.toUpperCase());
    if (data()[key]) return data()[key];
  }
  return (j && (j.detail || j.title || j.code)) || `HTTP ${r.status}`;
}

const transient = (status) => status === 408 || status === 429 || status >= 500;

// --- sealing -----------------------------------------------------------------------------------

// A file's name as the archive keeps it: no directory part, only [A-Za-z0-9._-].
function safeName(name) {
  const base = String(name).split(/[\\/]/).pop().replace(/[^A-Za-z0-9._-]/gu, "_");
  return /^\.{0,2}$/.test(base) ? "dokumen" : base;
}

function chosen(id) {
  const input = $(id);
  const f = input && input.files && input.files[0];
  return f && f.size > 0 ? f : null;
}

function price() {
  const input = $("bid-price");
  const v = input ? input.value.trim() : "";
  if (!/^[0-9]+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const PARTS = [
  ["bid-admin", "administrasi"],
  ["bid-technical", "teknis"],
  ["bid-price-file", "harga"],
];

async function seal() {
  const d = data();
  const files = PARTS.map(([id]) => chosen(id));
  const amount = price();
  if (files.some((f) => !f) || amount === null) throw new Shown("missing", msg("missing"));
  state("sealing");
  say(msg("sealing"), true);

  const entries = {};
  const documents = [];
  for (let i = 0; i < PARTS.length; i++) {
    const bytes = new Uint8Array(await files[i].arrayBuffer());
    const name = `${PARTS[i][1]}/${safeName(files[i].name)}`;
    documents.push({ name, sha256: await sha256Hex(bytes) });
    entries[name] = bytes;
  }
  const manifest = { tender: d.tender, vendor: d.vendor, price: amount, documents };
  const zip = zipSync({ "manifest.json": enc.encode(JSON.stringify(manifest)), ...entries }, { level: 0 });

  const e = new Encrypter();
  e.addRecipient(d.recipient || "");
  const sealed = await e.encrypt(zip);
  const sha = await sha256Hex(sealed);

  // The sealed file is the vendor's to keep before anything is sent: it is what #bid-resume takes.
  const box = $("bid-receipt");
  const text = $("bid-receipt-text");
  const receiptLink = $("bid-receipt-link");
  if (text) {
    text.textContent = "";
    text.hidden = true;
  }
  if (receiptLink) receiptLink.hidden = true;
  link("bid-sealed-link", new Blob([sealed], { type: "application/octet-stream" }), `penawaran-${d.tender}.age`);
  if (box) box.hidden = false;

  const bid = await commit(sha, sealed.length);
  await upload(bid, sealed);
}

async function commit(sha, size) {
  state("committing");
  say(msg("committing"), true);
  for (let n = 0; ; n++) {
    let r;
    try {
      r = await request("POST", tenderPath(), { json: { sha256: sha, size } });
    } catch (err) {
      throw new Shown("commit", `${msg("failed")} (${(err && err.message) || err})`);
    }
    if ((r.status === 503 || r.status === 429) && n < COMMIT_TRIES) {
      const s = r.retryAfter || BACKOFF[n];
      retrying(msg("committing"), s, n + 1, COMMIT_TRIES);
      await sleep(s);
      say(msg("committing"), true);
      continue;
    }
    if (r.status < 200 || r.status > 299) throw new Shown("commit", problem(r));
    const c = r.json || {};
    if (!c.bid_id) throw new Shown("commit", `${msg("failed")} (HTTP ${r.status})`);
    if ((c.sha256 && c.sha256.toLowerCase() !== sha) || (c.size !== undefined && Number(c.size) !== size))
      throw new Shown("mismatch", msg("mismatch"));
    // From now on #bid-resume and #bid-withdraw act on this commitment.
    const d = data();
    d.bid = c.bid_id;
    d.bidSha256 = sha;
    d.bidSize = String(size);
    const text = $("bid-receipt-text");
    const receipt = typeof c.receipt === "string" ? c.receipt : "";
    if (text) {
      text.textContent = receipt;
      text.hidden = false;
    }
    link("bid-receipt-link", new Blob([receipt], { type: "text/plain;charset=utf-8" }), `tanda-terima-${c.bid_id}.txt`);
    const box = $("bid-receipt");
    if (box) box.hidden = false;
    state("committed");
    return c.bid_id;
  }
}

// --- uploading ---------------------------------------------------------------------------------

// One step of the upload, retried on network errors, 408, 429 and 5xx with backoff (or the
// server's Retry-After); any other answer is returned.
async function step(method, path, opts) {
  for (let n = 0; ; n++) {
    let r = null;
    let why;
    try {
      r = await request(method, path, opts);
      if (!transient(r.status)) return r;
      why = problem(r);
    } catch (err) {
      why = (err && err.message) || String(err);
    }
    if (n >= BACKOFF.length) throw new Shown("upload", `${msg("failed")} (${why})`);
    const s = (r && r.retryAfter) || BACKOFF[n];
    retrying(msg("uploading"), s, n + 1, BACKOFF.length);
    await sleep(s);
    say(msg("uploading"), true);
  }
}

// The server's view of an upload: { received, uploaded }, checked against the sealed file.
function progressOf(r, size) {
  const j = r.json || {};
  const received = Number(j.received);
  if (!Number.isSafeInteger(received) || received < 0 || received > size) throw new Shown("upload", `${msg("failed")} (HTTP ${r.status})`);
  if (j.size !== undefined && Number(j.size) !== size) throw new Shown("mismatch", msg("mismatch"));
  return { received, uploaded: j.uploaded === true };
}

function showProgress(done, size) {
  const p = $("bid-progress");
  if (!p) return;
  p.hidden = false;
  p.max = 100;
  p.value = size > 0 ? Math.floor((done * 100) / size) : 0;
}

async function upload(bid, bytes) {
  const size = bytes.length;
  const path = `${bidPath(bid)}/content`;
  state("uploading");
  say(msg("uploading"), true);
  showProgress(0, size);

  let r = await step("GET", bidPath(bid));
  if (r.status !== 200) throw new Shown("upload", `${msg("failed")} (${problem(r)})`);
  let { received, uploaded } = progressOf(r, size);
  showProgress(received, size);
  let stuck = 0; // answers that did not move the upload on
  while (!uploaded) {
    if (received >= size || stuck > BACKOFF.length) throw new Shown("upload", msg("failed"));
    const chunk = bytes.slice(received, Math.min(received + CHUNK, size));
    r = await step("PATCH", path, { bytes: chunk, headers: { "upload-offset": String(received) } });
    // A 409 carries the server's offset; one without it (a withdrawn bid, say) is a refusal.
    if (r.status !== 200 && !(r.status === 409 && r.json && typeof r.json.received === "number"))
      throw new Shown("upload", `${msg("failed")} (${problem(r)})`);
    const before = received;
    ({ received, uploaded } = progressOf(r, size));
    stuck = received > before ? 0 : stuck + 1;
    showProgress(received, size);
  }
  showProgress(size, size);
  state("uploaded");
  say(msg("uploaded"), true);
}

async function resume() {
  const d = data();
  const f = chosen("bid-sealed-file");
  if (!f || !d.bid) throw new Shown("missing", msg("missing"));
  if (String(f.size) !== String(d.bidSize || "").trim()) throw new Shown("mismatch", msg("mismatch"));
  state("uploading");
  say(msg("uploading"), true);
  const bytes = new Uint8Array(await f.arrayBuffer());
  if ((await sha256Hex(bytes)) !== String(d.bidSha256 || "").trim().toLowerCase()) throw new Shown("mismatch", msg("mismatch"));
  await upload(d.bid, bytes);
}

// --- withdrawing -------------------------------------------------------------------------------

async function withdraw(button) {
  const d = data();
  if (!d.bid) throw new Shown("missing", msg("missing"));
  const question = d.msgConfirmWithdraw || `${(button.textContent || "").trim()}?`;
  if (!window.confirm(question)) return;
  state("withdrawing");
  let r;
  try {
    r = await request("DELETE", bidPath(d.bid));
  } catch (err) {
    throw new Shown("withdraw", `${msg("failed")} (${(err && err.message) || err})`);
  }
  if (r.status !== 200 && r.status !== 204) throw new Shown("withdraw", problem(r));
  state("withdrawn");
  say(msg("withdrawn"), true);
  setTimeout(() => window.location.reload(), 1000);
  return "keep-disabled";
}

// --- the tender's key --------------------------------------------------------------------------

// The fingerprint of exactly the recipient this page encrypts to, computed here rather than taken
// from the server's page: what the vendor compares with the one the pokja announced.
function showFingerprint() {
  const el = $("bid-fingerprint");
  if (!el || !root()) return;
  el.textContent = fingerprint(data().recipient || "");
  el.dataset.computed = "true";
}

// --- wiring ------------------------------------------------------------------------------------

showFingerprint();

const ACTIONS = { "bid-seal": seal, "bid-resume": resume, "bid-withdraw": withdraw };
let busy = false;

// Loaded again when htmx swaps in another page: listen once.
if (!window.lelangBidLoaded) {
  window.lelangBidLoaded = true;
  document.addEventListener("click", async (ev) => {
    const button = ev.target.closest && ev.target.closest("button[id]");
    const action = button && ACTIONS[button.id];
    if (!action || !root()) return;
    ev.preventDefault();
    if (busy) return;
    busy = true;
    const buttons = Object.keys(ACTIONS).map($).filter(Boolean);
    buttons.forEach((b) => (b.disabled = true));
    let keep = false;
    try {
      keep = (await action(button)) === "keep-disabled";
    } catch (e) {
      if (e instanceof Shown) {
        state("failed", e.code);
        say(e.message, false);
      } else {
        state("failed", "error");
        say(`${msg("failed")} (${(e && e.message) || e})`, false);
      }
    } finally {
      busy = keep;
      if (!keep) buttons.forEach((b) => (b.disabled = false));
    }
  });
}
