// The pokja member's cryptography and formats, without the page: what sealing.js runs in the
// browser and test/formats.mjs runs in node. Nothing the server hands out is taken on trust: the
// member's own keys must be in the ceremony, every dealing must carry its dealer's signature and
// proof of knowledge, and the tender key is computed here, never read from the server.
//
// The bytes are the Rust side's (lelang-trust::{seal, ceremony}, lelang-core::sealing::{transcript,
// member}): compressed Edwards points and 32-byte little-endian scalars in lowercase hex,
// statements as lines ending "\n", signatures standard Ed25519 (RFC 8032).

import { Decrypter, Encrypter, identityToRecipient } from "age-encryption";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, bytesToNumberLE, concatBytes, numberToBytesLE, randomBytes } from "@noble/curves/utils.js";
import { base64, base64nopad, bech32 } from "@scure/base";
import { fingerprint, memberFingerprint } from "./fingerprint.js";

export { fingerprint, memberFingerprint };

const Point = ed25519.Point;
const B = Point.BASE;
const L = Point.Fn.ORDER;
const P = 2n ** 255n - 19n;
const enc = new TextEncoder();
const SIGNING = enc.encode("lelang/seal/signing/v1\n");
const POK = enc.encode("lelang/seal/pok/v1\n");
const DLEQ = enc.encode("lelang/seal/dleq/v2\n");
// What Rust reads of a sub-share's header (seal::MAX_HEADER_BYTES) when it looks for the stanza.
const MAX_HEADER_BYTES = 8 * 1024;

// --- refusals ----------------------------------------------------------------------------------

/** An error whose code the page shows (data-msg-<code>): "transcript-tampered", "bad-sub-share"… */
export function refusal(code) {
  const e = new Error(code);
  e.code = code;
  return e;
}
const tampered = () => refusal("transcript-tampered");

// --- scalars and points ------------------------------------------------------------------------

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
export const randomScalar = () => {
  for (;;) {
    const s = mod(bytesToNumberLE(randomBytes(64)), L);
    if (s !== 0n) return s;
  }
};
export const scalarHex = (s) => bytesToHex(numberToBytesLE(s, 32));
export const pointHex = (p) => bytesToHex(p.toBytes());
const sha256Hex = (bytes) => bytesToHex(sha256(bytes));
// Scalar::from_hash: a SHA-512 digest as a 64-byte little-endian integer mod ℓ.
const hashScalar = (...parts) => mod(bytesToNumberLE(sha512(concatBytes(...parts))), L);
// With a secret scalar (noble's constant-time ladder refuses 0) …
export const mul = (p, s) => (s === 0n ? Point.ZERO : p.multiply(s));
// … and with public ones only, when checking.
const mulPub = (p, s) => p.multiplyUnsafe(s);

// N bytes from 2N hex digits (either case, as Rust's unhex); null otherwise.
function unhex(h, n) {
  if (typeof h !== "string" || h.length !== 2 * n || !/^[0-9a-fA-F]*$/.test(h)) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function scalarOf(h) {
  const b = unhex(h, 32);
  if (!b) throw new Error("not a scalar");
  const s = bytesToNumberLE(b);
  if (s >= L) throw new Error("not a canonical scalar");
  return s;
}

// As seal::point: one encoding per point, in the prime-order group, not the identity.
export function pointOf(h) {
  const b = unhex(h, 32);
  if (!b) throw new Error("not a point");
  const p = Point.fromBytes(b);
  if (p.is0() || !p.isTorsionFree() || pointHex(p) !== bytesToHex(b)) throw new Error("not a point of the prime-order group");
  return p;
}

// The Edwards point with Montgomery u and sign 0, as curve25519-dalek's to_edwards(0) lifts it.
export function lift(uHex) {
  const b = unhex(uHex, 32);
  if (!b) throw new Error("not a point");
  const u = mod(bytesToNumberLE(b) & (2n ** 255n - 1n), P);
  if (u === P - 1n) throw new Error("not liftable");
  const y = mod((u - 1n) * pow(u + 1n, P - 2n, P), P);
  const p = Point.fromBytes(numberToBytesLE(y, 32));
  if (p.is0() || !p.isTorsionFree()) throw new Error("not a point of the prime-order group");
  return p;
}

/** The age recipient ("age1…") of an Edwards point: bech32 of its Montgomery u (GroupKey::recipient). */
export function recipientOf(point) {
  return bech32.encodeFromBytes("age", ed25519.utils.toMontgomery(point.toBytes()));
}

// --- the member's keys -------------------------------------------------------------------------

// The identity as age prints it; what the signing key is derived from, byte for byte.
export function normalIdentity(text) {
  const line = String(text).split(/\r?\n/).map((l) => l.trim()).find((l) => /^AGE-SECRET-KEY-1/i.test(l));
  if (!line) throw refusal("no-identity");
  return line.toUpperCase();
}

// SHA-256("lelang/seal/signing/v1\n" ‖ identity) as an Ed25519 seed; the caller wipes it.
function signingSeed(identity) {
  return sha256(concatBytes(SIGNING, enc.encode(identity)));
}

/** The member's Ed25519 public key (hex), derived from its identity. */
export function signingKeyHex(identity) {
  const seed = signingSeed(identity);
  try {
    return bytesToHex(ed25519.getPublicKey(seed));
  } finally {
    seed.fill(0);
  }
}

/** The member's signature (hex) over a statement. */
export function sign(identity, statement) {
  const seed = signingSeed(identity);
  try {
    return bytesToHex(ed25519.sign(enc.encode(statement), seed));
  } finally {
    seed.fill(0);
  }
}

// An Ed25519 public key as ed25519-dalek's verify_strict takes it: decodes, not of small order.
function verifyingKey(h) {
  const b = unhex(h, 32);
  if (!b) return null;
  try {
    const a = Point.fromBytes(b);
    return a.isSmallOrder() ? null : a;
  } catch {
    return null;
  }
}

/**
 * Whether `signature` (hex) is `signingKey`'s (hex) over `statement`, checked as the Rust side's
 * verify_strict does: canonical s, neither R nor the key of small order, and [s]B − [k]A encoding
 * to exactly R (no cofactor to hide a torsion component behind).
 */
export function verify(signingKey, statement, signature) {
  const k = unhex(signingKey, 32);
  const sig = unhex(signature, 64);
  const a = verifyingKey(signingKey);
  if (!k || !sig || !a) return false;
  try {
    const rBytes = sig.subarray(0, 32);
    if (Point.fromBytes(rBytes).isSmallOrder()) return false;
    const s = bytesToNumberLE(sig.subarray(32));
    if (s >= L) return false;
    const h = hashScalar(rBytes, k, enc.encode(statement));
    return bytesToHex(mulPub(B, s).subtract(mulPub(a, h)).toBytes()) === bytesToHex(rBytes);
  } catch {
    return false;
  }
}

/** The member's own keys, as its client derives them from its identity. */
export async function ownKeys(identity) {
  return { recipient: await identityToRecipient(identity), signing_key: signingKeyHex(identity) };
}

// The identity's X25519 secret, clamped as X25519 does, as a scalar mod ℓ: x·B is its recipient.
export function identityScalar(identity) {
  let b;
  try {
    const d = bech32.decodeToBytes(identity);
    if (d.prefix.toLowerCase() !== "age-secret-key-" || d.bytes.length !== 32) return null;
    b = Uint8Array.from(d.bytes);
    d.bytes.fill(0);
  } catch {
    return null;
  }
  b[0] &= 248;
  b[31] &= 127;
  b[31] |= 64;
  const x = mod(bytesToNumberLE(b), L);
  b.fill(0);
  return x;
}

// As seal::valid_recipient: an X25519 recipient, "age1…", of 32 bytes.
function validRecipient(r) {
  if (typeof r !== "string" || !r.startsWith("age1") || r !== r.toLowerCase()) return false;
  try {
    const d = bech32.decodeToBytes(r);
    return d.prefix === "age" && d.bytes.length === 32;
  } catch {
    return false;
  }
}

// --- proofs ------------------------------------------------------------------------------------

/** The context a dealer's proof of knowledge is bound to (ceremony::knowledge_context). */
export const knowledgeContext = (ceremony, dealer, signingKey) => `ceremony ${ceremony}\ndealer ${dealer}\nsigning-key ${signingKey}\n`;

const pokChallenge = (context, a0, r) => hashScalar(POK, enc.encode(context), a0.toBytes(), r.toBytes());

/** A Schnorr proof of knowledge of a0 for A0 = a0·B, bound to `context`; `r` only for test vectors. */
export function proveKnowledge(a0, context, r = randomScalar()) {
  const R = mul(B, r);
  const c = pokChallenge(context, mul(B, a0), R);
  const z = mod(r + c * a0, L);
  r = 0n;
  return { r: pointHex(R), z: scalarHex(z) };
}

/** Whether `proof` ({r, z}) proves knowledge of the discrete log of the point `a0`. */
export function verifyKnowledge(a0, proof, context) {
  try {
    const R = pointOf(proof.r);
    const z = scalarOf(proof.z);
    return mulPub(B, z).equals(R.add(mulPub(a0, pokChallenge(context, a0, R))));
  } catch {
    return false;
  }
}

function challenge(context, S, E, D, A1, A2) {
  return hashScalar(DLEQ, enc.encode(context), ...[B, S, E, D, A1, A2].map((p) => p.toBytes()));
}

/** `D = share·E` for the ephemeral share u (hex), with a Chaum–Pedersen proof bound to `context`. */
export function partial(share, uHex, context, r = randomScalar()) {
  const E = lift(uHex);
  const S = mul(B, share);
  const D = mul(E, share);
  const c = challenge(context, S, E, D, mul(B, r), mul(E, r));
  const z = mod(r + c * share, L);
  r = 0n;
  return { d: pointHex(D), c: scalarHex(c), z: scalarHex(z) };
}

/** The point D a partial proves for verification share S (a point), or null when it does not hold. */
export function verifyPartial(p, S, uHex, context) {
  try {
    const E = lift(uHex);
    const D = pointOf(p.d);
    const c = scalarOf(p.c);
    const z = scalarOf(p.z);
    const A1 = mulPub(B, z).subtract(mulPub(S, c));
    const A2 = mulPub(E, z).subtract(mulPub(D, c));
    return challenge(context, S, E, D, A1, A2) === c ? D : null;
  } catch {
    return null;
  }
}

// --- statements --------------------------------------------------------------------------------

function head(c, domain) {
  let s = `${domain}\nceremony ${c.id}\npackage ${c.package_id}\nthreshold ${c.threshold}\n`;
  c.members.forEach((m, j) => {
    s += `member ${j + 1} ${m.recipient} ${m.signing_key}\n`;
  });
  return s;
}

/** What dealer `d.dealer` signs ({dealer, commitments, proof, sub_shares_sha256}). */
export function dealStatement(c, d) {
  let s = head(c, "lelang/seal/deal/v1");
  s += `dealer ${d.dealer}\n`;
  for (const h of d.commitments) s += `commitment ${h}\n`;
  if (d.proof) s += `proof ${d.proof.r} ${d.proof.z}\n`;
  for (const h of d.sub_shares_sha256) s += `sub-share ${h}\n`;
  return s;
}

/** The hash of an encrypted sub-share as signed: of its bytes, "" when it is not (canonical) base64. */
export function subShareSha256(b64) {
  try {
    return sha256Hex(base64.decode(b64));
  } catch {
    return "";
  }
}

// A dealing as its dealer signed it: the sub-shares by the hashes of the bytes received here.
const publicDealing = (d) => ({
  dealer: d.dealer,
  commitments: d.commitments,
  proof: d.proof || null,
  sub_shares_sha256: d.sub_shares.map(subShareSha256),
});

/** The whole transcript every member confirms: the ceremony and each signed dealing. */
export function transcriptText(c) {
  let s = head(c, "lelang/seal/transcript/v1");
  for (const d of [...c.dealings].sort((a, b) => a.dealer - b.dealer)) {
    s += `dealing ${d.dealer} ${sha256Hex(enc.encode(dealStatement(c, publicDealing(d))))} ${d.signature}\n`;
  }
  return s;
}

export const transcriptSha256 = (c) => sha256Hex(enc.encode(transcriptText(c)));

/** What member `member` signs when it confirms. */
export const confirmStatement = (c, member, transcript, recipient) =>
  `lelang/seal/confirm/v1\nceremony ${c.id}\nmember ${member}\ntranscript ${transcript}\nrecipient ${recipient}\n`;

export const openingContext = (c, bid) => `opening\nceremony ${c.id}\npackage ${c.package_id}\nbid ${bid}\n`;
export const complaintContext = (c, dealer, member) => `complaint\nceremony ${c.id}\ndealer ${dealer}\nmember ${member}\n`;

// --- checking the ceremony ---------------------------------------------------------------------

const isString = (s) => typeof s === "string";
const majority = (n) => Math.floor(n / 2) + 1;

// Checks the ceremony's shape before any statement is built from it: strings where strings are
// signed, so that nothing prints as "undefined" or "[object Object]".
function wellFormed(c) {
  const ok =
    c &&
    isString(c.id) &&
    isString(c.package_id) &&
    Array.isArray(c.members) &&
    Array.isArray(c.dealings) &&
    c.members.every((m) => m && isString(m.recipient) && isString(m.signing_key)) &&
    c.dealings.every(
      (d) =>
        d &&
        Number.isInteger(d.dealer) &&
        Array.isArray(d.commitments) &&
        d.commitments.every(isString) &&
        Array.isArray(d.sub_shares) &&
        d.sub_shares.every(isString) &&
        isString(d.signature) &&
        (d.proof == null || (isString(d.proof.r) && isString(d.proof.z))),
    );
  // k from a majority to n, as start_ceremony allows: a server lowering it would let fewer
  // members open the bids than the pokja agreed.
  const n = ok ? c.members.length : 0;
  if (!ok || !Number.isInteger(c.threshold) || n > 255 || c.threshold < majority(n) || c.threshold > n) throw tampered();
}

/** Refuses unless the ceremony lists the member's own keys ({recipient, signing_key}) at `me`. */
export function mine(c, me, own) {
  const m = Number.isInteger(me) && me >= 1 ? c.members[me - 1] : undefined;
  if (!m || m.recipient !== own.recipient || m.signing_key !== own.signing_key) throw tampered();
}

// One dealing: k group points, the dealer's proof of knowledge and its signature; its points.
function checkDealing(c, d) {
  const m = c.members[d.dealer - 1];
  if (!m || d.sub_shares.length !== c.members.length || d.commitments.length !== c.threshold) throw tampered();
  let pts;
  try {
    pts = d.commitments.map(pointOf);
  } catch {
    throw tampered();
  }
  if (!d.proof || !verifyKnowledge(pts[0], d.proof, knowledgeContext(c.id, d.dealer, m.signing_key))) throw tampered();
  if (!verify(m.signing_key, dealStatement(c, publicDealing(d)), d.signature)) throw tampered();
  return pts;
}

/**
 * Checks the ceremony the server handed out, as transcript::recipient does (and, given the member's
 * index and own keys, member::check_transcript): every member's keys, one dealing per member, each
 * with k points, a proof of knowledge and its dealer's signature over the sub-shares' bytes as
 * received. Throws "transcript-tampered"; returns the tender key the dealings give
 * ({recipient, transcript_sha256, fingerprint}).
 */
export function checkTranscript(c, me, own) {
  wellFormed(c);
  if (own) mine(c, me, own);
  if (!c.members.every((m) => verifyingKey(m.signing_key) && validRecipient(m.recipient))) throw tampered();
  const dealers = c.dealings.map((d) => d.dealer).sort((a, b) => a - b);
  if (dealers.length !== c.members.length || dealers.some((d, j) => d !== j + 1)) throw tampered();
  let key = Point.ZERO;
  for (const d of c.dealings) key = key.add(checkDealing(c, d)[0]);
  if (key.is0()) throw tampered();
  const recipient = recipientOf(key);
  return { recipient, transcript_sha256: transcriptSha256(c), fingerprint: fingerprint(recipient) };
}

// --- dealing -----------------------------------------------------------------------------------

/** The member's deal (POST …/ceremony/deal): a fresh polynomial, proven, sealed and signed. */
export async function makeDeal(c, me, identity) {
  wellFormed(c);
  const own = await ownKeys(identity);
  mine(c, me, own);
  if (!c.members.every((m) => validRecipient(m.recipient))) throw tampered();
  const coeffs = Array.from({ length: c.threshold }, randomScalar);
  const commitments = coeffs.map((a) => pointHex(mul(B, a)));
  const proof = proveKnowledge(coeffs[0], knowledgeContext(c.id, me, own.signing_key));
  const files = [];
  for (let j = 1; j <= c.members.length; j++) {
    let f = 0n;
    let x = 1n;
    for (const a of coeffs) {
      f = mod(f + a * x, L);
      x = mod(x * BigInt(j), L);
    }
    const msg = enc.encode(JSON.stringify({ ceremony: c.id, dealer: me, member: j, sub_share: scalarHex(f) }));
    f = 0n;
    const e = new Encrypter();
    e.addRecipient(c.members[j - 1].recipient);
    files.push(await e.encrypt(msg));
    msg.fill(0);
  }
  coeffs.fill(0n);
  const statement = dealStatement(c, { dealer: me, commitments, proof, sub_shares_sha256: files.map(sha256Hex) });
  return { commitments, proof, sub_shares: files.map((b) => base64.encode(b)), signature: sign(identity, statement) };
}

// --- checking what the member received ---------------------------------------------------------

/**
 * The ephemeral share (u, hex) of a sub-share whose header holds exactly one X25519 stanza with a
 * share in the prime-order group (ceremony::single_ephemeral); null otherwise.
 */
export function singleEphemeral(raw) {
  const headBytes = raw.subarray(0, Math.min(raw.length, MAX_HEADER_BYTES));
  let end = -1;
  for (let i = 0; i + 4 <= headBytes.length; i++) {
    if (headBytes[i] === 10 && headBytes[i + 1] === 45 && headBytes[i + 2] === 45 && headBytes[i + 3] === 45) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  let header;
  try {
    header = new TextDecoder("utf-8", { fatal: true }).decode(headBytes.subarray(0, end));
  } catch {
    return null;
  }
  const shares = header
    .split("\n")
    .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
    .filter((l) => l.startsWith("-> X25519 "));
  if (shares.length !== 1) return null;
  try {
    const e = base64nopad.decode(shares[0].slice("-> X25519 ".length).trim());
    if (e.length !== 32) return null;
    lift(bytesToHex(e));
    return bytesToHex(e);
  } catch {
    return null;
  }
}

/**
 * What the member reveals about a sub-share it received (ceremony::reveal_shared): its own point
 * x·B and x·E for the file's one ephemeral share E, proven under `context`; anyone can then open
 * that one file, and no other. Null when the file holds no single X25519 stanza.
 */
export function revealShared(identity, raw, context) {
  const e = singleEphemeral(raw);
  if (!e) return null;
  let x = identityScalar(identity);
  if (x === null) return null;
  try {
    return { point: pointHex(mul(B, x)), partial: partial(x, e, context) };
  } finally {
    x = 0n;
  }
}

// The complaint against dealer d, with the reveal when there is one.
function complaint(c, d, me, identity, raw) {
  const r = revealShared(identity, raw, complaintContext(c, d.dealer, me));
  return { verdict: "complain", dealer: d.dealer, point: r ? r.point : null, partial: r ? r.partial : null };
}

/**
 * The sub-share dealer `d` sent member `me`, decrypted and checked against its commitments; throws
 * `{complaint}` (the verdict to post) when it does not hold.
 */
export async function received(c, d, me, identity) {
  let raw;
  try {
    raw = base64.decode(d.sub_shares[me - 1]);
  } catch {
    raw = new Uint8Array(0);
  }
  const dec = new Decrypter();
  dec.addIdentity(identity);
  let msg;
  try {
    const plain = await dec.decrypt(raw);
    try {
      msg = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
    } finally {
      plain.fill(0);
    }
  } catch {
    throw { complaint: complaint(c, d, me, identity, raw) };
  }
  let s;
  try {
    if (!msg || msg.ceremony !== c.id || msg.dealer !== d.dealer || msg.member !== me) throw new Error("misbound");
    s = scalarOf(msg.sub_share);
    if (s === 0n) throw new Error("zero sub-share");
    // f(me)·B = Σ C_t·me^t
    let rhs = Point.ZERO;
    let x = 1n;
    for (const h of d.commitments) {
      rhs = rhs.add(mulPub(pointOf(h), x));
      x = mod(x * BigInt(me), L);
    }
    if (!mul(B, s).equals(rhs)) throw new Error("off the polynomial");
  } catch {
    s = 0n;
    throw { complaint: complaint(c, d, me, identity, raw) };
  } finally {
    msg = null;
  }
  return s;
}

/**
 * The member's verdict (member::verdict): the transcript checked (or "transcript-tampered"), then
 * every sub-share it received; a complaint on the first that does not hold, else the signed
 * confirmation of the transcript hash and the key computed here. `{body, checked}`.
 */
export async function verdict(c, me, identity) {
  const checked = checkTranscript(c, me, await ownKeys(identity));
  for (const d of c.dealings) {
    try {
      await received(c, d, me, identity);
    } catch (e) {
      if (e && e.complaint) return { body: e.complaint, checked };
      throw e;
    }
  }
  const signature = sign(identity, confirmStatement(c, me, checked.transcript_sha256, checked.recipient));
  return { body: { verdict: "confirm", transcript_sha256: checked.transcript_sha256, recipient: checked.recipient, signature }, checked };
}

/** The member's share: the sum of what every dealer sent it, each checked again. */
export async function memberShare(c, me, identity) {
  let share = 0n;
  for (const d of c.dealings) {
    let s;
    try {
      s = await received(c, d, me, identity);
    } catch {
      throw refusal("bad-sub-share");
    }
    share = mod(share + s, L);
    s = 0n;
  }
  return share;
}

// --- the opening -------------------------------------------------------------------------------

/**
 * The member's partials for every point of every bid (member::partials): only once the published
 * opening time has passed by the member's own clock `now` (ms), only for the completed ceremony
 * whose transcript holds and gives the key recorded, and only with a share that is the one the key
 * was made with. `view` is GET …/opening: {me, threshold, schedule, opening}. `{partials, checked}`.
 */
export async function openingPartials(c, view, me, identity, now) {
  const sch = (view && view.schedule) || {};
  const opensAt = Date.parse(sch.opens_at);
  const deadline = Date.parse(sch.submission_deadline);
  const grace = sch.upload_grace_minutes;
  if (!(now >= opensAt)) throw refusal(Number.isNaN(opensAt) ? "transcript-tampered" : "opening-too-early");
  // The opening time must not come before the deadline and the upload window the vendors had.
  if (Number.isNaN(deadline) || !Number.isInteger(grace) || grace < 0 || opensAt < deadline + grace * 60_000) throw tampered();
  const o = view.opening;
  const out = c && c.outcome;
  if (!out || out.status !== "completed" || !o || o.ceremony_id !== c.id || (o.package_id && o.package_id !== c.package_id)) throw refusal("failed");
  const checked = checkTranscript(c, me, await ownKeys(identity));
  if (checked.recipient !== out.recipient || (out.transcript_sha256 && out.transcript_sha256 !== checked.transcript_sha256)) throw tampered();
  let share = await memberShare(c, me, identity);
  try {
    let expected;
    try {
      expected = pointOf(out.verification[me - 1]);
    } catch {
      throw refusal("bad-sub-share");
    }
    if (!mul(B, share).equals(expected)) throw refusal("bad-sub-share");
    const partials = o.bids.map((b) => {
      const ctx = openingContext(c, b.bid_id);
      return b.points.map((u) => {
        try {
          return partial(share, u, ctx);
        } catch {
          throw refusal("failed");
        }
      });
    });
    return { partials, checked };
  } finally {
    share = 0n;
  }
}

// --- enrolling ---------------------------------------------------------------------------------

/**
 * Why a new passphrase will not do ("passphrase-weak", "passphrase-mismatch"), or null. Anyone
 * with the database can guess at the kept identity offline: at least 16 characters, 8 of them
 * different, and not the user's name.
 */
export function passphraseProblem(p1, p2, username) {
  const chars = Array.from(p1);
  const name = (username || "").trim().toLowerCase();
  if (chars.length < 16 || new Set(chars).size < 8 || (name && p1.toLowerCase().includes(name))) return "passphrase-weak";
  if (p1 !== p2) return "passphrase-mismatch";
  return null;
}
