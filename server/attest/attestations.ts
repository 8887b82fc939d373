import { buildClaims, cacheSeconds, ATTESTATION_TYP, type AttestationClaims } from '../domain/claims.ts';
import { fail } from '../errors.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { TransparencyLog } from '../log/transparency-log.ts';
import type { Registry } from '../registry/registry.ts';
import { attestationSource, type AttestationSource } from './source.ts';
import { TokenCache, type CacheLimits } from './token-cache.ts';

export interface Attestation {
  token: string;
  etag: string;
  claims: AttestationClaims;
  kid: string;
}

/**
 * What one cached attestation costs in memory, estimated: the token, its claims as
 * objects (about the token's size again), the ETag and the entry. Measured with
 * `tests/bench/crawl.ts`.
 */
const entryBytes = (token: string) => 2 * token.length + 1024;

/** Room for every cluster of a register the size of today's (about 1,300) several times over. */
export const DEFAULT_CACHE_LIMITS: CacheLimits = { entries: 10_000, bytes: 8 * 1024 * 1024 };

/**
 * Where the token of a cluster asked for the first time waits: a few dozen tokens, so
 * that a crawler's (every id asked for once) are dropped within as many requests, while
 * V8 still holds them in its young generation, where garbage costs nearly nothing. A
 * token kept in the cache proper lives long enough to reach the old generation and stays
 * there, garbage, until a full collection: a crawl through the cache proper grew the
 * issuer's RSS by some 30 MB more than a cold load of 200 ids (`tests/bench/crawl.ts`).
 */
export const DEFAULT_PROBATION_LIMITS: CacheLimits = { entries: 32, bytes: 128 * 1024 };

/** How many clusters asked for once are remembered (their ids only) before the memory starts afresh. */
const ASKED_ONCE_LIMIT = 10_000;

/**
 * Signed attestations, served from memory while more than half their life is left.
 * The memory is bounded (`TokenCache`): a crawler that asks for every id costs
 * signatures, not memory that never comes back. A cluster's first token waits in a small
 * probation cache and moves to the cache proper when asked for again; a cluster asked
 * for again after its first token has left probation has its next token kept at once.
 * So a cluster whose badge is shown costs at most one signature more, and a crawler's
 * tokens never enter the cache proper.
 * A change drops the cluster's token: at once on the instance that made it, and on
 * the others as soon as they hear of it on the change bus (`services.ts`). While the registry is unreachable, a
 * token that has not expired is still served.
 */
export class Attestations {
  readonly #keyring: Keyring;
  readonly #options: { issuer: string; ttl: number; now: () => Date; log: TransparencyLog | undefined };
  readonly #cache: TokenCache<Attestation>;
  readonly #probation: TokenCache<Attestation>;
  /** Clusters whose token was signed once since this memory last started afresh. */
  readonly #askedOnce = new Set<string>();
  readonly #pending = new Map<string, Promise<Attestation>>();
  readonly #read: (clusterId: string) => Promise<AttestationSource | undefined>;
  /** Counts drops: a signing that read the registry while one happened may be stale, and is not kept. */
  #drops = 0;

  constructor(registry: Registry, keyring: Keyring, options: { issuer: string; ttl: number; now?: () => Date; cache?: CacheLimits; probation?: CacheLimits; log?: TransparencyLog }) {
    this.#keyring = keyring;
    this.#options = { issuer: options.issuer, ttl: options.ttl, now: options.now ?? (() => new Date()), log: options.log };
    this.#cache = new TokenCache(options.cache ?? DEFAULT_CACHE_LIMITS);
    this.#probation = new TokenCache(options.probation ?? DEFAULT_PROBATION_LIMITS);
    const { log } = options;
    this.#read = log ? attestationSource(registry.database, log) : async (id) => registry.getAttestationSubject(id).then((subject) => subject && { subject });
  }

  /** The current attestation of `clusterId` if one is in memory and fresh: what most requests are served, at once. */
  cached(clusterId: string): Attestation | undefined {
    const now = this.#nowSeconds();
    const cached = this.#lookup(clusterId, now);
    return cached && this.#fresh(cached, now) ? cached : undefined;
  }

  /** The current attestation of `clusterId`; throws `cluster_not_found` or `registry_unavailable`. */
  async get(clusterId: string): Promise<Attestation> {
    const now = this.#nowSeconds();
    const cached = this.#lookup(clusterId, now);
    if (cached && this.#fresh(cached, now)) return cached;
    // Concurrent requests for one cluster share one signing.
    let pending = this.#pending.get(clusterId);
    if (!pending) {
      const signing = this.#sign(clusterId).finally(() => {
        if (this.#pending.get(clusterId) === signing) this.#pending.delete(clusterId);
      });
      this.#pending.set(clusterId, (pending = signing));
    }
    try {
      return await pending;
    } catch (error) {
      if ((error as { code?: string }).code === 'cluster_not_found') throw error;
      // The registry failed: a token that is still valid says nothing false.
      if (cached && cached.claims.exp > now && this.#keyring.isUsable(cached.kid)) return cached;
      throw fail('registry_unavailable');
    }
  }

  cacheSeconds(attestation: Attestation): number {
    return cacheSeconds(attestation.claims, this.#options.now());
  }

  /** Drops the cluster's token after a change: the next request signs what the registry says now. */
  drop(clusterId: string): void {
    this.#cache.delete(clusterId);
    this.#probation.delete(clusterId);
    this.#pending.delete(clusterId);
    this.#drops++;
  }

  /** Drops every token (after a key is revoked, or when changes may have gone unheard). */
  clear(): void {
    this.#cache.clear();
    this.#probation.clear();
    this.#pending.clear();
    this.#drops++;
  }

  /** How many tokens are in memory, and their estimated bytes. */
  get cacheUse(): { entries: number; bytes: number } {
    return { entries: this.#cache.size + this.#probation.size, bytes: this.#cache.bytes + this.#probation.bytes };
  }

  /** The token in memory for `clusterId`, fresh or not; one asked for again while on probation moves to the cache proper. */
  #lookup(clusterId: string, now: number): Attestation | undefined {
    const kept = this.#cache.get(clusterId);
    if (kept) return kept;
    const waiting = this.#probation.get(clusterId);
    if (waiting && this.#fresh(waiting, now)) {
      this.#probation.delete(clusterId);
      this.#cache.set(clusterId, waiting, entryBytes(waiting.token), waiting.claims.exp, now);
    }
    return waiting;
  }

  /** Keeps a token just signed: in the cache proper if its cluster was asked for before, else on probation. */
  #keep(clusterId: string, attestation: Attestation): void {
    const { token, claims } = attestation;
    if (this.#cache.has(clusterId) || this.#askedOnce.has(clusterId)) {
      this.#askedOnce.delete(clusterId);
      this.#cache.set(clusterId, attestation, entryBytes(token), claims.exp, claims.iat);
      return;
    }
    if (this.#askedOnce.size >= ASKED_ONCE_LIMIT) this.#askedOnce.clear();
    this.#askedOnce.add(clusterId);
    this.#probation.set(clusterId, attestation, entryBytes(token), claims.exp, claims.iat);
  }

  #nowSeconds(): number {
    return Math.floor(this.#options.now().getTime() / 1000);
  }

  #fresh(attestation: Attestation, now: number): boolean {
    const { iat, exp } = attestation.claims;
    return now < exp && exp - now > (exp - iat) / 2 && this.#keyring.isUsable(attestation.kid);
  }

  async #sign(clusterId: string): Promise<Attestation> {
    const drops = this.#drops;
    const source = await this.#read(clusterId);
    if (!source) {
      this.#cache.delete(clusterId);
      this.#probation.delete(clusterId);
      throw fail('cluster_not_found');
    }
    const claims = buildClaims(source.subject, this.#options.now(), this.#options);
    // The proof that the log records this statement: the widget accepts `valid` only with it.
    if (source.entry) claims.log = await this.#options.log!.claimOf(source.entry, source.entry.nodes);
    const { token, kid } = this.#keyring.signToken(claims, ATTESTATION_TYP);
    const attestation = { token, etag: `"${claims.jti}"`, claims, kid };
    if (drops === this.#drops) this.#keep(clusterId, attestation);
    return attestation;
  }
}
