import { randomBytes } from 'node:crypto';
import { endOfDay } from './dates.ts';
import { tokenStatus } from './labels.ts';
import type { Cluster, IsoDate, Label, Level, TokenStatus } from './types.ts';
import type { LogClaim } from '../log/transparency-log.ts';

export const ATTESTATION_TYP = 'cluster-label+jwt';

/** What a token says of a label: the ECEI label's (`label`) by default, its level one of the ECEI's. */
export interface LabelClaim<L extends string = Level> {
  status: TokenStatus;
  level?: L;
  awarded?: IsoDate;
  validUntil?: IsoDate;
  revokedAt?: string;
  reason?: string;
}

export interface AttestationClaims {
  iss: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** The ECEI label, exactly as before schemes: `none` when the cluster holds no ECEI label. */
  label: LabelClaim;
  /** The current label in every scheme the cluster has held one in, sorted by scheme; `[]` when none (docs/token.md). */
  labels: SchemeLabelClaim[];
  cluster: { name: string; sites: string[] };
  /** The entry of the transparency log that records this statement, with its proof (docs/log.md). */
  log?: LogClaim;
}

export type ClaimedLabel<L extends string = Level> = Pick<Label<L>, 'level' | 'awarded' | 'validUntil' | 'status' | 'revokedAt' | 'publicReason'>;

/** One entry of the token's `labels`: a scheme's current label, as `label` states the ECEI one. */
export type SchemeLabelClaim = { scheme: string } & LabelClaim<string> & { status: Exclude<TokenStatus, 'none'> };

/** A current label of a scheme, as an attestation states it. */
export type ClaimedSchemeLabel = ClaimedLabel<string> & { scheme: string };

/** What an attestation speaks of: the cluster, its current ECEI label, and its current label in every scheme. */
export interface AttestationSubject {
  cluster: Pick<Cluster, 'id' | 'name' | 'sites'>;
  label: ClaimedLabel | undefined;
  /** Every scheme's current label, the ECEI one included; absent or empty: none. */
  labels?: readonly ClaimedSchemeLabel[];
}

/** What a token says of a cluster's current label at `now`; pages and badge images state it in the same terms. */
export function labelClaim<L extends string = Level>(label: ClaimedLabel<L> | undefined, now: Date): LabelClaim<L> {
  if (!label) return { status: 'none' };
  const status = tokenStatus(label, now);
  const claim: LabelClaim<L> = { status, level: label.level, awarded: label.awarded, validUntil: label.validUntil };
  if (status === 'revoked') {
    claim.revokedAt = label.revokedAt!;
    claim.reason = label.publicReason ?? '';
  }
  return claim;
}

/** Random bytes drawn 4 KiB at a time: one call to the CSPRNG per 256 tokens rather than one each. */
const JTI_BYTES = 16;
let pool = Buffer.alloc(0);
let drawn = 0;

/** A fresh 128-bit token id, base64url: never the bytes of another. */
function newJti(): string {
  if (drawn + JTI_BYTES > pool.length) {
    pool = randomBytes(JTI_BYTES * 256);
    drawn = 0;
  }
  drawn += JTI_BYTES;
  return pool.toString('base64url', drawn - JTI_BYTES, drawn);
}

/**
 * The statement the issuer signs about a cluster at `now`. A valid label's token
 * never outlives the label, of any scheme: `exp` stops at the end of the first last
 * day of the valid labels it states.
 */
export function buildClaims({ cluster, label, labels = [] }: AttestationSubject, now: Date, options: { issuer: string; ttl: number }): AttestationClaims {
  const iat = Math.floor(now.getTime() / 1000);
  const claim = labelClaim(label, now);
  const entries = [...labels].sort((a, b) => (a.scheme < b.scheme ? -1 : a.scheme > b.scheme ? 1 : 0)).map((held) => schemeLabelClaim(held, now));
  let exp = iat + options.ttl;
  if (claim.status === 'valid') exp = Math.min(exp, Math.floor(endOfDay(label!.validUntil).getTime() / 1000));
  for (const entry of entries) if (entry.status === 'valid') exp = Math.min(exp, Math.floor(endOfDay(entry.validUntil).getTime() / 1000));
  return {
    iss: options.issuer,
    sub: cluster.id,
    iat,
    nbf: iat,
    exp,
    jti: newJti(),
    label: claim,
    labels: entries,
    cluster: { name: cluster.name, sites: cluster.sites },
  };
}

/** A scheme's current label as the token's `labels` states it: the terms of `label`, and the scheme. */
export function schemeLabelClaim(held: ClaimedSchemeLabel, now: Date): SchemeLabelClaim & { validUntil: string } {
  const status = tokenStatus(held, now);
  if (status === 'none') throw new Error('A held label never reads none.');
  const entry: SchemeLabelClaim & { validUntil: string } = { scheme: held.scheme, status, level: held.level, awarded: held.awarded, validUntil: held.validUntil };
  if (status === 'revoked') {
    entry.revokedAt = held.revokedAt ?? '';
    entry.reason = held.publicReason ?? '';
  }
  return entry;
}

/** Seconds a shared cache may keep the token: at most half its lifetime, never past `exp`, a minute for anything but `valid`. */
export function cacheSeconds(claims: Pick<AttestationClaims, 'iat' | 'exp' | 'label'>, now: Date): number {
  const left = claims.exp - Math.floor(now.getTime() / 1000);
  const limit = claims.label.status === 'valid' ? Math.floor((claims.exp - claims.iat) / 2) : 60;
  return Math.max(0, Math.min(limit, left));
}
