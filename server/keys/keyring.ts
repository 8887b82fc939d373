import { createPrivateKey, generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { HeadSigner } from '../audit/log.ts';
import { fail } from '../errors.ts';
import type { Database, Trx } from '../registry/database.ts';
import { write, type Write } from '../registry/writes.ts';
import { decryptPrivateKey, encryptPrivateKey } from './kek.ts';

export type KeyState = 'next' | 'current' | 'retired' | 'revoked';

export interface PublicKeyInfo {
  kid: string;
  state: KeyState;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  revokedAt: string | null;
}

interface KeyRow extends PublicKeyInfo {
  publicJwk: JWK;
  /** The end of the last credential this key signed: retired, it stays published until then. */
  publishUntil: string | null;
}

/** How long the JWKS may be cached by browsers and proxies, in seconds. */
export const JWKS_MAX_AGE = 300;
/** Clock tolerance verifiers allow on `exp`, in seconds. */
export const CLOCK_TOLERANCE = 60;

export interface KeyringOptions {
  issuer: string;
  /** Attestation lifetime: how long a retired key stays published. */
  tokenTtl: number;
  /** How often instances re-read the keys: a next key must be published longer than this. */
  refreshSeconds: number;
  now?: () => Date;
}

interface SigningKey {
  kid: string;
  key: KeyObject;
}

/**
 * The issuer's ES256 keys, kept in the registry so that every instance signs with
 * the same key and publishes the same JWKS. Private keys are decrypted in memory
 * only for the key that signs.
 */
export class Keyring implements HeadSigner {
  readonly #database: Database;
  readonly #kek: Buffer;
  readonly #options: KeyringOptions;
  readonly #now: () => Date;
  #rows: KeyRow[] = [];
  #signing: SigningKey | undefined;
  #fingerprint = '';
  #refreshed: Promise<unknown> = Promise.resolve();

  constructor(database: Database, kek: Buffer, options: KeyringOptions) {
    this.#database = database;
    this.#kek = kek;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Loads the keys, creating the first signing key on a new registry. */
  async start(): Promise<void> {
    await this.refresh();
    if (!this.#signing) {
      await write(this.#database, this.#now, async (w) => {
        const current = await w.trx.selectFrom('signing_keys').select('kid').where('state', '=', 'current').executeTakeFirst();
        if (!current) await this.#createKey(w, 'current', 'system');
      });
      await this.refresh();
    }
  }

  /**
   * Re-reads the key table; cheap when nothing changed. Returns whether anything did.
   * One read at a time: an older read finishing last must not undo a newer one.
   */
  refresh(): Promise<boolean> {
    const read = this.#refreshed.then(() => this.#read());
    this.#refreshed = read.catch(() => false);
    return read;
  }

  async #read(): Promise<boolean> {
    const rows = await this.#database.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
    const fingerprint = rows.map((r) => `${r.kid}:${r.state}:${r.publish_until}`).join(',');
    if (fingerprint === this.#fingerprint) return false;
    const current = rows.find((r) => r.state === 'current');
    this.#signing = current && { kid: current.kid, key: this.#privateKey(current.kid, current.private_jwk) };
    this.#rows = rows.map((r) => ({
      kid: r.kid,
      state: r.state,
      createdAt: r.created_at,
      activatedAt: r.activated_at,
      retiredAt: r.retired_at,
      revokedAt: r.revoked_at,
      publicJwk: JSON.parse(r.public_jwk) as JWK,
      publishUntil: r.publish_until,
    }));
    this.#fingerprint = fingerprint;
    return true;
  }

  get currentKid(): string | undefined {
    return this.#signing?.kid;
  }

  /** True while tokens signed by `kid` may still be served. */
  isUsable(kid: string): boolean {
    const state = this.#rows.find((r) => r.kid === kid)?.state;
    return state === 'current' || state === 'retired';
  }

  /** The published key set: next, current, and retired keys that unexpired tokens or credentials may still need. */
  jwks(): { keys: JWK[] } {
    const now = this.#now().getTime();
    const keepRetired = (this.#options.tokenTtl + CLOCK_TOLERANCE + this.#options.refreshSeconds) * 1000;
    const stillNeeded = (r: KeyRow) => Date.parse(r.retiredAt ?? '') + keepRetired > now || Date.parse(r.publishUntil ?? '') + CLOCK_TOLERANCE * 1000 > now;
    const keys = this.#rows
      .filter((r) => r.state === 'next' || r.state === 'current' || (r.state === 'retired' && stillNeeded(r)))
      .map((r) => r.publicJwk);
    return { keys };
  }

  /** Every key ever used, revoked ones included: the audit chain is checked against them. */
  allPublicKeys(): Map<string, JWK> {
    return new Map(this.#rows.map((r) => [r.kid, r.publicJwk]));
  }

  list(): PublicKeyInfo[] {
    return this.#rows.map(({ publicJwk: _, publishUntil: __, ...info }) => info);
  }

  /** A compact JWS of `payload` (with `iss` and `iat` added) under the current key. */
  async sign(payload: Record<string, unknown>, typ: string): Promise<string> {
    if (!this.#signing) throw new Error('The keyring has no signing key; start() was not called.');
    return this.#signerOf(this.#signing).sign(payload, typ);
  }

  /** A compact JWS of exactly `payload` under the current key, and that key's id. */
  signToken(payload: object, typ: string): { token: string; kid: string } {
    const signing = this.#signing;
    if (!signing) throw new Error('The keyring has no signing key; start() was not called.');
    return { token: signWith(signing, payload, typ), kid: signing.kid };
  }

  #signerOf(signing: SigningKey): HeadSigner {
    return { sign: async (payload, typ) => signWith(signing, { iss: this.#options.issuer, iat: Math.floor(this.#now().getTime() / 1000), ...payload }, typ) };
  }

  #privateKey(kid: string, sealed: string): KeyObject {
    const key = createPrivateKey({ key: JSON.parse(decryptPrivateKey(this.#kek, kid, sealed)) as JWK, format: 'jwk' });
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`The signing key ${kid} is not a P-256 key.`);
    return key;
  }

  /**
   * Rotation in two steps. The first publishes a next key; the second, once every
   * cached JWKS has had time to pick it up, makes it the signing key and retires
   * the old one. Verifiers never meet a `kid` they could not have fetched.
   */
  async rotate(actor: string, options: { force?: boolean } = {}): Promise<{ step: 'published' | 'activated'; kid: string; activateAfter?: string }> {
    const result = await write(this.#database, this.#now, async (w) => {
      const next = await w.trx.selectFrom('signing_keys').selectAll().where('state', '=', 'next').executeTakeFirst();
      const { now } = w;
      if (!next) {
        const kid = await this.#createKey(w, 'next', actor);
        return { step: 'published' as const, kid, activateAfter: new Date(now.getTime() + this.#publishDelay()).toISOString() };
      }
      const ready = Date.parse(next.created_at) + this.#publishDelay();
      if (!options.force && now.getTime() < ready) {
        throw fail('next_key_too_new', { kid: next.kid, publishedAt: next.created_at, readyAt: new Date(ready).toISOString() });
      }
      await this.#activate(w, next.kid, actor, 'key.activate');
      return { step: 'activated' as const, kid: next.kid };
    });
    await this.refresh();
    return result;
  }

  /**
   * Emergency revocation of a compromised key: it leaves the key set at once, tokens
   * it signed stop being served, and a replacement signs from now on.
   */
  async revoke(kid: string, actor: string): Promise<{ revoked: string; signingKid: string }> {
    const result = await write(this.#database, this.#now, async (w) => {
      const { trx } = w;
      const row = await trx.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
      if (!row) throw fail('key_not_found');
      if (row.state === 'revoked') throw fail('key_already_revoked', { kid });
      await trx.updateTable('signing_keys').set({ state: 'revoked', revoked_at: w.now.toISOString() }).where('kid', '=', kid).execute();
      let signingKid = (await trx.selectFrom('signing_keys').select('kid').where('state', '=', 'current').executeTakeFirst())?.kid;
      if (!signingKid) {
        // The next key was published ahead; if there is none, a new one must sign at once.
        const next = await trx.selectFrom('signing_keys').select('kid').where('state', '=', 'next').executeTakeFirst();
        signingKid = next ? next.kid : await this.#createKey(w, 'next', actor);
        await this.#activate(w, signingKid, actor, 'key.activate');
      }
      const signer = await this.#signerFor(trx, signingKid);
      await w.record(signer, { actor, action: 'key.revoke', subject: `key:${kid}`, before: { state: row.state }, after: { state: 'revoked' } });
      return { revoked: kid, signingKid };
    });
    await this.refresh();
    return result;
  }

  #publishDelay(): number {
    return (JWKS_MAX_AGE + this.#options.refreshSeconds) * 1000;
  }

  async #activate(w: Write, kid: string, actor: string, action: string): Promise<void> {
    const now = w.now.toISOString();
    await w.trx.updateTable('signing_keys').set({ state: 'retired', retired_at: now }).where('state', '=', 'current').execute();
    await w.trx.updateTable('signing_keys').set({ state: 'current', activated_at: now }).where('kid', '=', kid).execute();
    const signer = await this.#signerFor(w.trx, kid);
    await w.record(signer, { actor, action, subject: `key:${kid}`, after: { state: 'current' } });
  }

  async #signerFor(trx: Trx, kid: string): Promise<HeadSigner> {
    const row = await trx.selectFrom('signing_keys').select('private_jwk').where('kid', '=', kid).executeTakeFirstOrThrow();
    return this.#signerOf({ kid, key: this.#privateKey(kid, row.private_jwk) });
  }

  async #createKey(w: Write, state: 'next' | 'current', actor: string): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const now = w.now.toISOString();
    await w.trx
      .insertInto('signing_keys')
      .values({
        kid,
        state,
        public_jwk: JSON.stringify({ ...publicJwk, kid, alg: 'ES256', use: 'sig' }),
        private_jwk: encryptPrivateKey(this.#kek, kid, JSON.stringify(privateKey.export({ format: 'jwk' }))),
        created_at: now,
        activated_at: state === 'current' ? now : null,
        retired_at: null,
        revoked_at: null,
      })
      .execute();
    // The new key signs the entry that records it: there may be no other key left.
    const signer = this.#signerOf({ kid, key: privateKey });
    await w.record(signer, { actor, action: 'key.create', subject: `key:${kid}`, after: { state } });
    return kid;
  }
}

/**
 * A compact JWS, ES256 (RFC 7518 §3.4): ECDSA on P-256 over SHA-256, the signature
 * as r‖s rather than DER. Signed in this thread: a WebCrypto job's round trip through
 * the thread pool costs more than the signature itself.
 */
function signWith(signing: SigningKey, payload: object, typ: string): string {
  const input = `${base64url(JSON.stringify({ alg: 'ES256', typ, kid: signing.kid }))}.${base64url(JSON.stringify(payload))}`;
  const signature = signBytes('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');
