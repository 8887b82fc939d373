import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Signed notes (c2sp.org/signed-note): a text ending in a newline, a blank line, and
 * signature lines `— <name> base64(key ID ‖ signature)`. Only Ed25519 keys (type
 * 0x01) and Ed25519 cosignatures (type 0x04, c2sp.org/tlog-cosignature) are known.
 */

export const SIGNATURE_ED25519 = 0x01;
export const SIGNATURE_COSIGNATURE = 0x04;
const DASH = '\u2014';
/** The spec asks verifiers to accept at least 16 signatures; this many more is plenty. */
const MAX_SIGNATURES = 32;

export class NoteError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface Signature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  bytes: Buffer;
  /** The line as it appeared, newline excluded. */
  line: string;
}

export interface Note {
  text: string;
  signatures: Signature[];
}

/** The 4-byte key ID of the signed-note spec: SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256').update(`${name}\n`).update(Uint8Array.of(type)).update(publicKey).digest().readUInt32BE(0);
}

/** A verifier key: `<name>+<hex key ID>+<base64(type ‖ public key)>`. */
export function formatVkey(name: string, type: number, publicKey: Uint8Array): string {
  return `${name}+${keyId(name, type, publicKey).toString(16).padStart(8, '0')}+${Buffer.concat([Uint8Array.of(type), publicKey]).toString('base64')}`;
}

export interface Verifier {
  name: string;
  keyId: number;
  type: number;
  publicKey: Buffer;
  /** Checks `bytes` (the part after the key ID) as a signature of the note text. */
  verify(text: string, bytes: Buffer): boolean;
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new NoteError('key_invalid', 'An Ed25519 public key is 32 bytes.');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

/** Reads a vkey of type 0x01 (a log's key) or 0x04 (a witness's cosigning key). */
export function parseVkey(vkey: string): Verifier {
  // The key's base64 may hold "+" itself: only the first two separate parts.
  const [, name, hexId, material] = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey) ?? [];
  const bytes = material ? Buffer.from(material, 'base64') : Buffer.alloc(0);
  if (!name || bytes.length !== 33) {
    throw new NoteError('vkey_invalid', `"${vkey}" is not a verifier key (name+keyid+key).`);
  }
  const type = bytes[0]!;
  const publicKey = bytes.subarray(1);
  if (type !== SIGNATURE_ED25519 && type !== SIGNATURE_COSIGNATURE) throw new NoteError('vkey_invalid', `The verifier key ${name} has signature type ${type}; only Ed25519 (1) and cosignatures (4) are known.`);
  const id = keyId(name, type, publicKey);
  if (id !== Number.parseInt(hexId!, 16)) throw new NoteError('vkey_invalid', `The verifier key ${name} has a key ID that does not match its key.`);
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: id,
    type,
    publicKey,
    verify:
      type === SIGNATURE_ED25519
        ? (text, signature) => signature.length === 64 && verify(null, Buffer.from(text), key, signature)
        : (text, signature) => signature.length === 72 && verify(null, cosignedMessage(text, signature.readBigUInt64BE(0)), key, signature.subarray(8)),
  };
}

/** What an Ed25519 cosignature signs (c2sp.org/tlog-cosignature): a header, the time, the checkpoint text. */
export function cosignedMessage(text: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** Splits a signed note into its text and signatures; throws `note_malformed` on anything else. */
export function parseNote(note: string): Note {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new NoteError('note_malformed', 'A signed note holds no control characters but newlines.');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('note_malformed', 'A signed note is a text, a blank line and signature lines.');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('note_malformed', `A signed note carries at most ${MAX_SIGNATURES} signatures here.`);
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    const bytes = match ? Buffer.from(match[2]!, 'base64') : Buffer.alloc(0);
    if (!match || bytes.length < 5 || match[1]!.includes('+')) throw new NoteError('note_malformed', `"${line}" is not a signature line.`);
    return { name: match[1]!, keyId: bytes.readUInt32BE(0), bytes: bytes.subarray(4), line };
  });
  return { text, signatures };
}

/**
 * Verifies a note against trusted keys. Per the spec, unknown signatures are ignored,
 * a known one that fails rejects the note, and at least one known one must verify.
 * Returns the verifiers whose signatures verified.
 */
export function verifyNote(note: string, verifiers: readonly Verifier[]): { text: string; verifiedBy: Verifier[] } {
  const { text, signatures } = parseNote(note);
  const verifiedBy: Verifier[] = [];
  for (const signature of signatures) {
    const verifier = verifiers.find((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (!verifier) continue;
    if (!verifier.verify(text, signature.bytes)) throw new NoteError('note_signature_invalid', `The signature of ${signature.name} does not verify.`);
    if (!verifiedBy.includes(verifier)) verifiedBy.push(verifier);
  }
  if (verifiedBy.length === 0) throw new NoteError('note_unverified', 'No signature on the note is from a trusted key.');
  return { text, verifiedBy };
}

/** An Ed25519 note signer: its name, its vkey, and a signature line for a text. */
export interface NoteSigner {
  name: string;
  vkey: string;
  signatureLine(text: string): string;
}

export function ed25519Signer(name: string, privateKey: KeyObject): NoteSigner {
  if (!name || /[\s+]/u.test(name)) throw new NoteError('key_name_invalid', 'A key name is not empty and holds no spaces or "+".');
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const id = keyId(name, SIGNATURE_ED25519, publicKey);
  return {
    name,
    vkey: formatVkey(name, SIGNATURE_ED25519, publicKey),
    signatureLine: (text) => signatureLine(name, id, sign(null, Buffer.from(text), privateKey)),
  };
}

export function signatureLine(name: string, id: number, bytes: Uint8Array): string {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(id >>> 0);
  return `${DASH} ${name} ${Buffer.concat([head, bytes]).toString('base64')}`;
}

/** A note of `text` with the given signature lines. */
export function formatNote(text: string, lines: readonly string[]): string {
  return `${text}\n${lines.map((line) => `${line}\n`).join('')}`;
}

/** An Ed25519 private key from its 32-byte seed (PKCS #8 wraps it in a fixed prefix). */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}
