// Stands in for @noble/post-quantum/hybrid.js in bid.js only (see the "build" script): a tender's
// recipient is an X25519 one (age1...), the only kind the server accepts, so the vendor's page need
// not carry ML-KEM and the second copy of @noble/curves that comes with it (about 55 kB).
const unsupported = () => {
  throw new Error("only X25519 recipients (age1...) are supported");
};
const kem = { getPublicKey: unsupported, encapsulate: unsupported, decapsulate: unsupported, keygen: unsupported };
export const MLKEM768X25519 = kem;
export const MLKEM768P256 = kem;
