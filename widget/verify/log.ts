import type { AttestationClaims, Label } from './claims.ts';
import { VerifyError } from './errors.ts';

/** The claim `log`: the entry that records the statement, a checkpoint that includes it, the proof. */
export interface LogClaim {
  readonly index: number;
  readonly entry: string;
  readonly checkpoint: string;
  readonly proof: readonly string[];
}

/** Where a verified statement sits in the issuer's log: entry `index` (from 0) of a tree of `size`. */
export interface LogPosition {
  readonly index: number;
  readonly size: number;
}

const subtle = () => crypto.subtle;
const bytes = (text: string) => new TextEncoder().encode(text);
const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const fail = (): never => {
  throw new VerifyError('ERR_LOG');
};
const assert = (ok: unknown) => ok || fail();

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return new Uint8Array(await subtle().digest('SHA-256', all));
}

const node = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right);

/** RFC 9162 §2.1.3.2: the root the inclusion proof leads to from `leaf`, or a failure. */
async function rootFrom(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  assert(Number.isSafeInteger(index) && index >= 0 && index < size && proof.length < 64);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    assert(sn);
    if (fn % 2 || fn === sn) {
      r = await node(p, r);
      while (fn && !(fn % 2)) (fn /= 2), (sn = Math.floor(sn / 2));
    } else r = await node(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  assert(!sn);
  return r;
}

/**
 * Checks one note signature under a vkey (c2sp.org/signed-note): type 1, the log's
 * Ed25519 signature of the text; type 4, a witness's timestamped cosignature
 * (c2sp.org/tlog-cosignature). The key ID in the vkey is checked against the line only:
 * the key itself is what the signature is checked with.
 */
async function verifySignature(vkey: string, text: string, lines: readonly string[]): Promise<void> {
  const [, name, id, material] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey) ?? fail();
  const key = fromBase64(material!);
  const line = lines.find((l) => l.startsWith(`\u2014 ${name} `) && [...fromBase64(l.slice(name!.length + 3)).slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('') === id) ?? fail();
  const signature = fromBase64(line.slice(name!.length + 3)).slice(4);
  let message = bytes(text);
  let sig = signature;
  if (key[0] === 4) {
    assert(signature.length === 72);
    message = bytes(`cosignature/v1\ntime ${new DataView(signature.buffer).getBigUint64(0)}\n${text}`);
    sig = signature.slice(8);
  } else assert(key[0] === 1);
  let publicKey: CryptoKey;
  try {
    publicKey = await subtle().importKey('raw', key.slice(1), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    // A browser without Ed25519 cannot run the check: that is not a forged token.
    throw new VerifyError('ERR_LOG_UNSUPPORTED', 'unavailable');
  }
  assert(await subtle().verify('Ed25519', publicKey, sig, message));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Verifies that the issuer's public log records exactly the statement a `valid` token
 * makes: the entry names this cluster, its sites, and a `valid` label of the same level
 * and dates — `label` for the ECEI's (the default), else the entry of `labels` for the
 * shown label's scheme; its leaf hash leads by the proof to the checkpoint's root; and the
 * checkpoint is signed by every key in `vkeys` (the log's key, and any witness pinned
 * at build time). Throws `ERR_LOG` on any difference.
 */
export async function verifyLog(claims: AttestationClaims & { readonly log?: LogClaim }, vkeys: readonly string[], shown: Label = claims.label): Promise<LogPosition> {
  try {
    const { index, entry, checkpoint, proof } = claims.log ?? fail();
    const recorded = JSON.parse(entry) as { type?: unknown; cluster?: unknown; label?: Label; labels?: readonly (Label | null)[] };
    const held = shown.scheme === undefined ? recorded.label : (Array.isArray(recorded.labels) ? recorded.labels : []).find((l) => l?.scheme === shown.scheme);
    const facts = (l?: Label | null) => l && [l.level, l.awarded, l.validUntil, l.status];
    assert(
      recorded.type === 'cluster' &&
        same(recorded.cluster, { id: claims.sub, name: claims.cluster.name, sites: claims.cluster.sites }) &&
        same(facts(held), facts(shown)),
    );
    const split = checkpoint.lastIndexOf('\n\n');
    const text = checkpoint.slice(0, split + 1);
    const [origin, size, root] = text.split('\n');
    assert(split > 0 && vkeys.length && vkeys[0]!.startsWith(`${origin}+`) && /^[1-9]\d*$/.test(size!));
    for (const vkey of vkeys) await verifySignature(vkey, text, checkpoint.slice(split + 2).split('\n'));
    const computed = await rootFrom(index, Number(size), await sha256(Uint8Array.of(0), bytes(entry)), proof.map(fromBase64));
    assert(same([...computed], [...fromBase64(root!)]));
    return { index, size: Number(size) };
  } catch (error) {
    throw error instanceof VerifyError ? error : new VerifyError('ERR_LOG');
  }
}
