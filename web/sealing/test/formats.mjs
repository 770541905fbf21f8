// Checks the member's formats and checks in node, without the page or the server: run with
// `npm test`. Prints fixed vectors at the end for comparing with the Rust side.

import assert from "node:assert/strict";
import { Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, bytesToNumberLE, hexToBytes, numberToBytesLE } from "@noble/curves/utils.js";
import { base64, bech32 } from "@scure/base";
import * as C from "../src/ceremony.js";

const B = ed25519.Point.BASE;
const L = ed25519.Point.Fn.ORDER;
const mod = (a, m) => ((a % m) + m) % m;
const enc = new TextEncoder();

let passed = 0;
const failures = [];
async function test(name, f) {
  try {
    await f();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${(e && e.stack) || e}`);
  }
}

// Refused with exactly this code.
async function refuses(code, f) {
  await assert.rejects(async () => f(), (e) => {
    assert.equal(e && e.code, code);
    return true;
  });
}

const clone = (x) => JSON.parse(JSON.stringify(x));
const flipHex = (h, at = 0) => h.slice(0, at) + (h[at] === "0" ? "1" : "0") + h.slice(at + 1);
const pow = (b, e) => {
  let r = 1n;
  for (b = mod(b, L); e > 0n; e >>= 1n, b = (b * b) % L) if (e & 1n) r = (r * b) % L;
  return r;
};
const inv = (a) => pow(a, L - 2n);
const montgomery = (p) => bytesToHex(ed25519.utils.toMontgomery(p.toBytes()));
const recipientBytes = (r) => bytesToHex(bech32.decodeToBytes(r).bytes);

// Σ_t C_t·j^t: member j's verification share from one dealer, from its commitments only.
function evaluate(commitments, j) {
  let acc = ed25519.Point.ZERO;
  let x = 1n;
  for (const h of commitments) {
    acc = acc.add(C.pointOf(h).multiplyUnsafe(x));
    x = mod(x * BigInt(j), L);
  }
  return acc;
}

// A ceremony of n members run as the server would relay it: each deals with ceremony.js, the
// server appends the dealing as posted.
async function ceremony(n, k) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push(await generateX25519Identity());
  const members = [];
  for (const id of ids) members.push({ user_id: crypto.randomUUID(), ...(await C.ownKeys(id)) });
  const c = { id: crypto.randomUUID(), package_id: crypto.randomUUID(), threshold: k, members, dealings: [] };
  for (let i = 1; i <= n; i++) {
    const body = await C.makeDeal(c, i, ids[i - 1]);
    assert.deepEqual(Object.keys(body).sort(), ["commitments", "proof", "signature", "sub_shares"]);
    c.dealings.push({ dealer: i, commitments: body.commitments, sub_shares: body.sub_shares, proof: body.proof, signature: body.signature, at: new Date().toISOString() });
  }
  return { c, ids };
}

// --- signatures --------------------------------------------------------------------------------

await test("a signing key is the identity's and signs only what it signed", async () => {
  const id = await generateX25519Identity();
  const k = C.signingKeyHex(id);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(k, C.signingKeyHex(id), "derived, not random");
  // The seed is SHA-256 of the domain and the identity as age prints it.
  const seed = sha256(enc.encode(`lelang/seal/signing/v1\n${id}`));
  assert.equal(k, bytesToHex(ed25519.getPublicKey(seed)));
  const s = C.sign(id, "lelang\n");
  assert.match(s, /^[0-9a-f]{128}$/);
  assert.ok(C.verify(k, "lelang\n", s));
  assert.ok(ed25519.verify(hexToBytes(s), enc.encode("lelang\n"), hexToBytes(k)), "plain RFC 8032");
  assert.ok(!C.verify(k, "lelang \n", s));
  assert.ok(!C.verify(C.signingKeyHex(await generateX25519Identity()), "lelang\n", s));
  assert.ok(!C.verify(k, "lelang\n", "zz"));
  assert.ok(!C.verify(k, "lelang\n", flipHex(s, 70)));
  // s + ℓ is the same signature to a lax verifier, not to a strict one.
  const sig = hexToBytes(s);
  const big = bytesToNumberLE(sig.subarray(32)) + L;
  assert.ok(big < 2n ** 256n);
  sig.set(numberToBytesLE(big, 32), 32);
  assert.ok(!C.verify(k, "lelang\n", bytesToHex(sig)));
  // A small-order key (the identity) signs nothing.
  assert.ok(!C.verify("01" + "00".repeat(31), "lelang\n", s));
});

// --- proofs of knowledge -----------------------------------------------------------------------

await test("knowledge is proven for its commitment and context only", async () => {
  const a0 = C.randomScalar();
  const A0 = B.multiply(a0);
  const ctx = C.knowledgeContext("x", 1, "ab".repeat(32));
  assert.equal(ctx, `ceremony x\ndealer 1\nsigning-key ${"ab".repeat(32)}\n`);
  const k = C.proveKnowledge(a0, ctx);
  assert.match(k.r, /^[0-9a-f]{64}$/);
  assert.match(k.z, /^[0-9a-f]{64}$/);
  assert.ok(C.verifyKnowledge(A0, k, ctx));
  assert.ok(!C.verifyKnowledge(A0, k, C.knowledgeContext("x", 2, "ab".repeat(32))));
  assert.ok(!C.verifyKnowledge(B.multiply(C.randomScalar()), k, ctx), "a forged A0");
  assert.ok(!C.verifyKnowledge(A0, { ...k, z: flipHex(k.z, 1) }, ctx));
  assert.ok(!C.verifyKnowledge(A0, { r: k.r, z: C.scalarHex(L - 1n).replace(/^../, "ff") }, ctx), "z not canonical");
  assert.ok(!C.verifyKnowledge(A0, { r: "01" + "00".repeat(31), z: k.z }, ctx), "R the identity");
});

// --- the whole ceremony ------------------------------------------------------------------------

const honest = await ceremony(3, 2);

await test("an honest 3-member ceremony passes and every member confirms the same key", async () => {
  const { c, ids } = honest;
  const own1 = await C.ownKeys(ids[0]);
  const t = C.checkTranscript(c, 1, own1);
  assert.match(t.recipient, /^age1[02-9ac-hj-np-z]{58}$/);
  assert.match(t.transcript_sha256, /^[0-9a-f]{64}$/);
  assert.equal(t.fingerprint, C.fingerprint(t.recipient));
  // The tender key is the sum of the constant terms, as an X25519 recipient.
  const T = c.dealings.map((d) => C.pointOf(d.commitments[0])).reduce((a, b) => a.add(b));
  assert.equal(recipientBytes(t.recipient), montgomery(T));
  // The transcript text is its head and one line per dealing, in dealer order.
  const text = C.transcriptText(c);
  assert.ok(text.startsWith(`lelang/seal/transcript/v1\nceremony ${c.id}\npackage ${c.package_id}\nthreshold 2\nmember 1 ${c.members[0].recipient} ${c.members[0].signing_key}\n`));
  assert.equal(text.split("\n").filter((l) => l.startsWith("dealing ")).length, 3);
  assert.equal(C.transcriptSha256(c), bytesToHex(sha256(enc.encode(text))));
  const shuffled = { ...c, dealings: [c.dealings[2], c.dealings[0], c.dealings[1]] };
  assert.equal(C.transcriptSha256(shuffled), t.transcript_sha256, "sorted by dealer");
  for (let i = 1; i <= 3; i++) {
    const { body, checked } = await C.verdict(c, i, ids[i - 1]);
    assert.equal(body.verdict, "confirm");
    assert.deepEqual(Object.keys(body).sort(), ["recipient", "signature", "transcript_sha256", "verdict"]);
    assert.equal(body.recipient, t.recipient);
    assert.equal(body.transcript_sha256, t.transcript_sha256);
    assert.equal(checked.fingerprint, t.fingerprint);
    const st = C.confirmStatement(c, i, t.transcript_sha256, t.recipient);
    assert.equal(st, `lelang/seal/confirm/v1\nceremony ${c.id}\nmember ${i}\ntranscript ${t.transcript_sha256}\nrecipient ${t.recipient}\n`);
    assert.ok(C.verify(c.members[i - 1].signing_key, st, body.signature));
    assert.ok(!C.verify(c.members[i - 1].signing_key, C.confirmStatement(c, i, flipHex(t.transcript_sha256), t.recipient), body.signature));
  }
});

await test("a dealing is signed over its own commitments, proof and sub-share bytes", async () => {
  const { c } = honest;
  const d = c.dealings[1];
  const st = C.dealStatement(c, { ...d, sub_shares_sha256: d.sub_shares.map(C.subShareSha256) });
  const lines = st.trimEnd().split("\n");
  assert.equal(lines[0], "lelang/seal/deal/v1");
  assert.deepEqual(lines.slice(7), [
    "dealer 2",
    ...d.commitments.map((h) => `commitment ${h}`),
    `proof ${d.proof.r} ${d.proof.z}`,
    ...d.sub_shares.map((s) => `sub-share ${bytesToHex(sha256(base64.decode(s)))}`),
  ]);
  assert.ok(C.verify(c.members[1].signing_key, st, d.signature));
  assert.equal(C.subShareSha256("not base64!"), "");
});

await test("a changed commitment, signature, sub-share byte or member key is refused", async () => {
  const { c, ids } = honest;
  const own1 = await C.ownKeys(ids[0]);
  const refused = async (what, f) => {
    const t = clone(c);
    f(t);
    await refuses("transcript-tampered", () => C.checkTranscript(t, 1, own1));
    await refuses("transcript-tampered", () => C.verdict(t, 1, ids[0]));
    return what;
  };
  await refused("commitment", (t) => (t.dealings[1].commitments[1] = C.pointHex(B.multiply(C.randomScalar()))));
  await refused("first commitment", (t) => (t.dealings[2].commitments[0] = C.pointHex(B.multiply(C.randomScalar()))));
  await refused("signature", (t) => (t.dealings[0].signature = flipHex(t.dealings[0].signature, 5)));
  await refused("sub-share byte", (t) => {
    const raw = base64.decode(t.dealings[0].sub_shares[2]);
    raw[raw.length - 1] ^= 1;
    t.dealings[0].sub_shares[2] = base64.encode(raw);
  });
  await refused("proof", (t) => (t.dealings[1].proof.z = flipHex(t.dealings[1].proof.z, 2)));
  await refused("no proof", (t) => delete t.dealings[1].proof);
  await refused("another member's recipient", (t) => (t.members[2].recipient = own1.recipient));
  await refused("a dealing missing", (t) => t.dealings.pop());
  await refused("a dealing twice", (t) => (t.dealings[2] = t.dealings[1]));
  await refused("a lower threshold", (t) => (t.threshold = 1));
  await refused("a commitment dropped", (t) => t.dealings[0].commitments.pop());
  // The member's own keys must be in it, at its index.
  await refuses("transcript-tampered", () => C.checkTranscript(c, 2, own1));
  const other = await C.ownKeys(await generateX25519Identity());
  await refuses("transcript-tampered", () => C.checkTranscript(c, 1, other));
  await refuses("transcript-tampered", () => C.makeDeal({ ...c, dealings: [] }, 2, ids[0]));
});

await test("a dealer that signs a constant term it cannot prove is refused", async () => {
  const { c, ids } = honest;
  const resign = (t, i) => {
    const d = t.dealings[i - 1];
    d.signature = C.sign(ids[i - 1], C.dealStatement(t, { ...d, sub_shares_sha256: d.sub_shares.map(C.subShareSha256) }));
  };
  // The last dealer steering the key: A0 = X − Σ others, whose scalar it does not know.
  const steer = clone(c);
  const others = steer.dealings.slice(0, 2).map((d) => C.pointOf(d.commitments[0])).reduce((a, b) => a.add(b));
  steer.dealings[2].commitments[0] = C.pointHex(B.multiply(C.randomScalar()).subtract(others));
  resign(steer, 3);
  await refuses("transcript-tampered", () => C.checkTranscript(steer));
  // Another dealer's proof, bound to that dealer's context.
  const replay = clone(c);
  replay.dealings[2].commitments[0] = replay.dealings[0].commitments[0];
  replay.dealings[2].proof = replay.dealings[0].proof;
  resign(replay, 3);
  await refuses("transcript-tampered", () => C.checkTranscript(replay));
  // Re-signing the honest dealing changes nothing.
  const same = clone(c);
  resign(same, 3);
  assert.equal(C.checkTranscript(same).recipient, C.checkTranscript(c).recipient);
});

// A dealer that sends member 3 a sub-share off its polynomial (signed, so the transcript holds).
async function cheated() {
  const { c, ids } = await ceremony(3, 2);
  const d = c.dealings[1];
  const e = new Encrypter();
  e.addRecipient(c.members[2].recipient);
  const wrong = JSON.stringify({ ceremony: c.id, dealer: 2, member: 3, sub_share: C.scalarHex(C.randomScalar()) });
  d.sub_shares[2] = base64.encode(await e.encrypt(wrong));
  d.signature = C.sign(ids[1], C.dealStatement(c, { ...d, sub_shares_sha256: d.sub_shares.map(C.subShareSha256) }));
  return { c, ids };
}

await test("a bad sub-share is complained of with the proven X25519 secret", async () => {
  const { c, ids } = await cheated();
  assert.equal((await C.verdict(c, 1, ids[0])).body.verdict, "confirm");
  const { body } = await C.verdict(c, 3, ids[2]);
  assert.equal(body.verdict, "complain");
  assert.equal(body.dealer, 2);
  assert.deepEqual(Object.keys(body.partial).sort(), ["c", "d", "z"]);
  // The point is the member's recipient in Edwards form.
  const X = C.pointOf(body.point);
  assert.equal(montgomery(X), recipientBytes(c.members[2].recipient));
  // The proof holds for this complaint only, and proves the file's X25519 shared secret.
  const raw = base64.decode(c.dealings[1].sub_shares[2]);
  const u = C.singleEphemeral(raw);
  const ctx = C.complaintContext(c, 2, 3);
  assert.equal(ctx, `complaint\nceremony ${c.id}\ndealer 2\nmember 3\n`);
  const D = C.verifyPartial(body.partial, X, u, ctx);
  assert.ok(D);
  assert.equal(C.verifyPartial(body.partial, X, u, C.complaintContext(c, 2, 2)), null);
  const secret = bech32.decodeToBytes(ids[2]).bytes;
  assert.equal(montgomery(D), bytesToHex(x25519.scalarMult(secret, hexToBytes(u))));
  // The stanza's share is the one in the header.
  const stanza = new TextDecoder().decode(raw).split("\n").find((l) => l.startsWith("-> X25519 "));
  assert.equal(u, bytesToHex(base64.decode(stanza.slice(10) + "=")));
  // Rebuilding the share after such a ceremony is refused.
  await refuses("bad-sub-share", () => C.memberShare(c, 3, ids[2]));
});

await test("a file not sealed to exactly one recipient has nothing to reveal", async () => {
  const id = await generateX25519Identity();
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(id));
  e.addRecipient(await identityToRecipient(await generateX25519Identity()));
  assert.equal(C.revealShared(id, await e.encrypt("x"), "ctx\n"), null);
  assert.equal(C.singleEphemeral(enc.encode("garbage")), null);
  const one = new Encrypter();
  one.addRecipient(await identityToRecipient(id));
  assert.ok(C.revealShared(id, await one.encrypt("x"), "ctx\n"));
});

await test("x·B of an identity's clamped secret is its recipient", async () => {
  for (let i = 0; i < 5; i++) {
    const id = await generateX25519Identity();
    const x = C.identityScalar(id);
    assert.equal(montgomery(B.multiply(x)), recipientBytes(await identityToRecipient(id)));
    assert.equal(C.identityScalar(id.toLowerCase()), x, "bech32 either case");
  }
  assert.equal(C.identityScalar("age1xyz"), null);
});

// --- partial decryptions -----------------------------------------------------------------------

await test("a partial's proof holds under its context only", async () => {
  const share = C.randomScalar();
  const S = B.multiply(share);
  const u = bytesToHex(x25519.getPublicKey(x25519.utils.randomSecretKey()));
  const p = C.partial(share, u, "ctx A\n");
  assert.ok(C.verifyPartial(p, S, u, "ctx A\n"));
  assert.equal(C.verifyPartial(p, S, u, "ctx B\n"), null);
  assert.equal(C.verifyPartial(p, B.multiply(C.randomScalar()), u, "ctx A\n"), null);
  assert.equal(C.verifyPartial({ ...p, z: flipHex(p.z, 3) }, S, u, "ctx A\n"), null);
  assert.throws(() => C.partial(share, "00".repeat(32), "ctx A\n"), "u = 0 is of small order");
});

await test("k members' partials open what was sealed to the tender key, only when due", async () => {
  const { c, ids } = honest;
  const t = C.checkTranscript(c);
  const verification = [1, 2, 3].map((j) => C.pointHex(c.dealings.map((d) => evaluate(d.commitments, j)).reduce((a, b) => a.add(b))));
  const done = { ...c, outcome: { status: "completed", recipient: t.recipient, verification, transcript_sha256: t.transcript_sha256, at: "2030-01-01T00:00:00Z" } };
  // A bid's ephemeral share and the secret age wrapped its file key under.
  const e = x25519.utils.randomSecretKey();
  const u = bytesToHex(x25519.getPublicKey(e));
  const shared = bytesToHex(x25519.getSharedSecret(e, bech32.decodeToBytes(t.recipient).bytes));
  const bid = crypto.randomUUID();
  const now = Date.parse("2030-01-02T12:00:00Z");
  const view = {
    me: 1,
    threshold: 2,
    schedule: { submission_deadline: "2030-01-02T08:00:00Z", upload_grace_minutes: 120, opens_at: "2030-01-02T10:00:00Z" },
    opening: { package_id: c.package_id, ceremony_id: c.id, bids: [{ bid_id: bid, points: [u] }] },
  };
  const ctx = C.openingContext(c, bid);
  assert.equal(ctx, `opening\nceremony ${c.id}\npackage ${c.package_id}\nbid ${bid}\n`);
  const ds = [];
  for (const j of [3, 1]) {
    const { partials } = await C.openingPartials(done, view, j, ids[j - 1], now);
    const D = C.verifyPartial(partials[0][0], C.pointOf(verification[j - 1]), u, ctx);
    assert.ok(D);
    assert.equal(C.verifyPartial(partials[0][0], C.pointOf(verification[j - 1]), u, C.openingContext(c, crypto.randomUUID())), null);
    ds.push([BigInt(j), D]);
  }
  // Lagrange at zero over {1, 3}.
  const combined = ds
    .map(([i, D]) => D.multiply(ds.filter(([j]) => j !== i).reduce((acc, [j]) => mod(acc * j * inv(j - i), L), 1n)))
    .reduce((a, b) => a.add(b));
  assert.equal(montgomery(combined), shared);

  await refuses("opening-too-early", () => C.openingPartials(done, view, 1, ids[0], Date.parse("2030-01-02T09:59:59Z")));
  const early = clone(view);
  early.schedule.opens_at = "2030-01-02T09:00:00Z"; // before the deadline and the upload window
  await refuses("transcript-tampered", () => C.openingPartials(done, early, 1, ids[0], now));
  const otherKey = clone(done);
  otherKey.outcome.recipient = await identityToRecipient(await generateX25519Identity());
  await refuses("transcript-tampered", () => C.openingPartials(otherKey, view, 1, ids[0], now));
  const otherShare = clone(done);
  otherShare.outcome.verification[0] = verification[1];
  await refuses("bad-sub-share", () => C.openingPartials(otherShare, view, 1, ids[0], now));
  await refuses("failed", () => C.openingPartials(done, { ...view, opening: { ...view.opening, ceremony_id: crypto.randomUUID() } }, 1, ids[0], now));
  await refuses("failed", () => C.openingPartials(c, view, 1, ids[0], now));
});

// --- enrolling ---------------------------------------------------------------------------------

await test("passphrases: long, varied and not the user's name", async () => {
  assert.equal(C.passphraseProblem("short", "short", ""), "passphrase-weak");
  assert.equal(C.passphraseProblem("aaaaaaaabbbbbbbbcccc", "aaaaaaaabbbbbbbbcccc", ""), "passphrase-weak");
  assert.equal(C.passphraseProblem("kata sandi Budi panjang", "kata sandi Budi panjang", "budi"), "passphrase-weak");
  assert.equal(C.passphraseProblem("kata sandi panjang sekali", "kata sandi panjang sekal", "budi"), "passphrase-mismatch");
  assert.equal(C.passphraseProblem("kata sandi panjang sekali", "kata sandi panjang sekali", "budi"), null);
  assert.equal(C.passphraseProblem("kata sandi panjang sekali", "kata sandi panjang sekali", ""), null);
});

await test("fingerprints are four groups of four hex digits", async () => {
  const f = C.fingerprint("age1abc");
  assert.match(f, /^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
  assert.equal(f.replace(/ /g, ""), bytesToHex(sha256(enc.encode("age1abc"))).slice(0, 16));
  assert.equal(C.memberFingerprint("age1abc", "ab"), C.fingerprint("age1abc\nab"));
  assert.notEqual(f, C.fingerprint("age1abd"));
});

// --- vectors for the Rust side -----------------------------------------------------------------

// Everything below is fixed: identities from fixed bytes, fixed coefficients and nonces, sub-shares
// as fixed bytes (the transcript checks hash them, never decrypt them).
const fixedScalar = (label) => mod(bytesToNumberLE(sha256(enc.encode(label))), L);
const fixedIdentity = (j) => bech32.encodeFromBytes("AGE-SECRET-KEY-", sha256(enc.encode(`lelang vector identity ${j}`))).toUpperCase();

const vectors = { identities: [] };
for (let j = 1; j <= 3; j++) {
  const id = fixedIdentity(j);
  const { recipient, signing_key } = await C.ownKeys(id);
  vectors.identities.push({
    identity: id,
    recipient,
    signing_key,
    member_fingerprint: C.memberFingerprint(recipient, signing_key),
    recipient_fingerprint: C.fingerprint(recipient),
    edwards_point: C.pointHex(B.multiply(C.identityScalar(id))),
    signature_of_lelang_nl: C.sign(id, "lelang\n"),
  });
}

const vc = {
  id: "01900000-0000-7000-8000-000000000001",
  package_id: "01900000-0000-7000-8000-000000000002",
  threshold: 2,
  members: vectors.identities.map((v) => ({ recipient: v.recipient, signing_key: v.signing_key })),
  dealings: [],
};
for (let i = 1; i <= 3; i++) {
  const id = fixedIdentity(i);
  const coeffs = [0, 1].map((t) => fixedScalar(`lelang vector dealer ${i} coefficient ${t}`));
  const commitments = coeffs.map((a) => C.pointHex(B.multiply(a)));
  const proof = C.proveKnowledge(coeffs[0], C.knowledgeContext(vc.id, i, vc.members[i - 1].signing_key), fixedScalar(`lelang vector dealer ${i} nonce`));
  const sub_shares = [1, 2, 3].map((j) => base64.encode(enc.encode(`sub-share from ${i} to ${j}`)));
  const signature = C.sign(id, C.dealStatement(vc, { dealer: i, commitments, proof, sub_shares_sha256: sub_shares.map(C.subShareSha256) }));
  vc.dealings.push({ dealer: i, commitments, proof, sub_shares, signature });
}
const vt = C.checkTranscript(vc, 1, await C.ownKeys(fixedIdentity(1)));
// The published transcript (lelang_core::sealing::transcript::Transcript) these give.
vectors.transcript = {
  ceremony: vc.id,
  package: vc.package_id,
  threshold: vc.threshold,
  members: vc.members,
  dealings: vc.dealings.map((d) => ({ dealer: d.dealer, commitments: d.commitments, proof: d.proof, sub_shares_sha256: d.sub_shares.map(C.subShareSha256), signature: d.signature })),
  confirmations: [1, 2, 3].map((i) => ({
    member: i,
    transcript_sha256: vt.transcript_sha256,
    recipient: vt.recipient,
    signature: C.sign(fixedIdentity(i), C.confirmStatement(vc, i, vt.transcript_sha256, vt.recipient)),
  })),
  recipient: vt.recipient,
  transcript_sha256: vt.transcript_sha256,
};
vectors.tender_fingerprint = vt.fingerprint;
vectors.deal_statement_1_sha256 = bytesToHex(sha256(enc.encode(C.dealStatement(vc, vectors.transcript.dealings[0]))));
{
  const share = fixedScalar("lelang vector share");
  const u = bytesToHex(x25519.getPublicKey(sha256(enc.encode("lelang vector ephemeral"))));
  const ctx = C.openingContext(vc, "01900000-0000-7000-8000-000000000003");
  vectors.partial = { share: C.scalarHex(share), verification: C.pointHex(B.multiply(share)), u, context: ctx, partial: C.partial(share, u, ctx, fixedScalar("lelang vector partial nonce")) };
}

await test("the fixed vectors check themselves", async () => {
  assert.equal(vectors.transcript.dealings.length, 3);
  for (const c of vectors.transcript.confirmations) assert.ok(C.verify(vc.members[c.member - 1].signing_key, C.confirmStatement(vc, c.member, c.transcript_sha256, c.recipient), c.signature));
  for (const v of vectors.identities) assert.equal(montgomery(C.pointOf(v.edwards_point)), recipientBytes(v.recipient));
  const p = vectors.partial;
  assert.ok(C.verifyPartial(p.partial, C.pointOf(p.verification), p.u, p.context));
});

console.log("\nvectors (compare with the Rust side):");
console.log(JSON.stringify(vectors, null, 2));
console.log(`\n${passed} passed, ${failures.length} failed`);
if (failures.length) process.exit(1);
