// The short fingerprints people read out and compare (lelang_core::submission::fingerprint): the
// first 8 bytes of SHA-256, as four groups of four hex digits. Its own module so that the vendor's
// bundle takes it without the ceremony's code.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const enc = new TextEncoder();

/** The fingerprint of a text: of a tender's recipient, say ("ab12 cd34 ef56 7890"). */
export function fingerprint(text) {
  const h = bytesToHex(sha256(enc.encode(text)).subarray(0, 8));
  return h.match(/.{4}/g).join(" ");
}

/** The fingerprint of a member's two keys, which it reads out to the pokja in person. */
export function memberFingerprint(recipient, signingKey) {
  return fingerprint(`${recipient}\n${signingKey}`);
}
