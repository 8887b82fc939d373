/**
 * A transparency log in a test, in WebCrypto alone (it runs in Node and in the browser):
 * an Ed25519 log key, and for a token's claims the `log` claim a correct issuer would
 * add — the entry recording the statement at index 1 of a three-entry tree, a checkpoint
 * signed by the key, and the inclusion proof.
 */
const utf8 = new TextEncoder();
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) all.set(part, (at += part.length) - part.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

export interface TestLog {
  origin: string;
  vkey: string;
  claim(claims: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** A checkpoint of `text` signed by this log's key: for tests that forge the rest. */
  sign(text: string): Promise<string>;
}

export async function makeTestLog(origin = 'issuer.example/log'): Promise<TestLog> {
  const { privateKey, publicKey } = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
  const id = (await sha256(utf8.encode(`${origin}\n`), Uint8Array.of(1), raw)).slice(0, 4);
  const hexId = [...id].map((b) => b.toString(16).padStart(2, '0')).join('');
  const sign = async (text: string) => {
    const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, utf8.encode(text)));
    return `${text}\n\u2014 ${origin} ${base64(new Uint8Array([...id, ...signature]))}\n`;
  };
  return {
    origin,
    vkey: `${origin}+${hexId}+${base64(new Uint8Array([1, ...raw]))}`,
    sign,
    async claim(claims) {
      const { sub, cluster, label, labels } = claims as { sub: string; cluster: { name: string; sites: string[] }; label: Record<string, string>; labels?: unknown };
      const recorded = ({ level, awarded, validUntil, status }: Record<string, string>) => ({ level, awarded, validUntil, status });
      // A cluster entry records every scheme's label in `labels` (docs/log.md), when the token states them.
      const entry = JSON.stringify({ v: 1, type: 'cluster', change: 'label.award', cluster: { id: sub, name: cluster.name, sites: cluster.sites }, label: recorded(label), ...(Array.isArray(labels) && { labels: labels.map((l: Record<string, string>) => ({ scheme: l.scheme, ...recorded(l) })) }) });
      const leaf = (data: string) => sha256(Uint8Array.of(0), utf8.encode(data));
      const [first, mine, third] = await Promise.all([leaf('{"v":1,"first":true}'), leaf(entry), leaf('{"v":1,"third":true}')]);
      const root = await sha256(Uint8Array.of(1), await sha256(Uint8Array.of(1), first, mine), third);
      const checkpoint = await sign(`${origin}\n3\n${base64(root)}\n`);
      return { index: 1, entry, checkpoint, proof: [base64(first), base64(third)] };
    },
  };
}
