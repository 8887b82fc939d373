import { buildClaims, cacheSeconds, ATTESTATION_TYP, type AttestationClaims } from '../domain/claims.ts';
import { clusterNotFound, unavailable } from '../errors.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { TransparencyLog } from '../log/transparency-log.ts';
import type { Registry } from '../registry/registry.ts';

export interface Attestation {
  token: string;
  etag: string;
  claims: AttestationClaims;
  kid: string;
}

/**
 * Signed attestations, served from memory while more than half their life is left.
 * A change drops the cluster's token: at once on the instance that made it, and on
 * the others as soon as they hear of it (`Database.listen`, PostgreSQL); should they
 * not, they re-sign within half the lifetime. While the registry is unreachable, a
 * token that has not expired is still served.
 */
export class Attestations {
  readonly #registry: Registry;
  readonly #keyring: Keyring;
  readonly #options: { issuer: string; ttl: number; now: () => Date; log: TransparencyLog | undefined };
  readonly #cache = new Map<string, Attestation>();
  readonly #pending = new Map<string, Promise<Attestation>>();
  /** Counts drops: a signing that read the registry while one happened may be stale, and is not kept. */
  #drops = 0;

  constructor(registry: Registry, keyring: Keyring, options: { issuer: string; ttl: number; now?: () => Date; log?: TransparencyLog }) {
    this.#registry = registry;
    this.#keyring = keyring;
    this.#options = { issuer: options.issuer, ttl: options.ttl, now: options.now ?? (() => new Date()), log: options.log };
    registry.onChange(({ clusterId }) => this.drop(clusterId));
  }

  /** The current attestation of `clusterId`; throws `cluster_not_found` or `registry_unavailable`. */
  async get(clusterId: string): Promise<Attestation> {
    const cached = this.#cache.get(clusterId);
    const now = Math.floor(this.#options.now().getTime() / 1000);
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
      throw unavailable('registry_unavailable', 'The label registry cannot be reached right now; try again shortly.');
    }
  }

  cacheSeconds(attestation: Attestation): number {
    return cacheSeconds(attestation.claims, this.#options.now());
  }

  /** Drops the cluster's token after a change: the next request signs what the registry says now. */
  drop(clusterId: string): void {
    this.#cache.delete(clusterId);
    this.#pending.delete(clusterId);
    this.#drops++;
  }

  /** Drops every token (after a key is revoked, or when changes may have gone unheard). */
  clear(): void {
    this.#cache.clear();
    this.#pending.clear();
    this.#drops++;
  }

  #fresh(attestation: Attestation, now: number): boolean {
    const { iat, exp } = attestation.claims;
    return now < exp && exp - now > (exp - iat) / 2 && this.#keyring.isUsable(attestation.kid);
  }

  async #sign(clusterId: string): Promise<Attestation> {
    const drops = this.#drops;
    const subject = await this.#registry.getAttestationSubject(clusterId);
    if (!subject) {
      this.#cache.delete(clusterId);
      throw clusterNotFound();
    }
    const claims = buildClaims(subject, this.#options.now(), this.#options);
    // The proof that the log records this statement: the widget accepts `valid` only with it.
    const log = await this.#options.log?.claim(clusterId);
    if (log) claims.log = log;
    const { token, kid } = this.#keyring.signToken(claims, ATTESTATION_TYP);
    const attestation = { token, etag: `"${claims.jti}"`, claims, kid };
    if (drops === this.#drops) this.#cache.set(clusterId, attestation);
    return attestation;
  }
}
