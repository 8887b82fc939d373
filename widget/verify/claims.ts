import { VerifyError } from './errors.ts';
import type { Scheme } from './schemes.ts';

export type LabelStatus = 'valid' | 'expired' | 'revoked' | 'none';
export type Level = 'bronze' | 'silver' | 'gold';

/** A label as a token states it: the claim `label`, or one entry of `labels` (which also names its `scheme`). */
export interface Label {
  readonly status: LabelStatus;
  readonly level?: string;
  readonly awarded?: string;
  readonly validUntil?: string;
  readonly revokedAt?: string;
  readonly reason?: string;
  readonly scheme?: string;
}

/** The payload of an attestation token, as the contract defines it. */
export interface AttestationClaims {
  readonly iss: string;
  readonly sub: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  /** The ECEI label. */
  readonly label: Label & { readonly level?: Level; readonly scheme?: undefined };
  /** One entry per scheme in which the cluster holds a current label, sorted by scheme. */
  readonly labels?: readonly Label[];
  readonly cluster: { readonly name: string; readonly sites: readonly string[] };
}

export interface ClaimsContext {
  /** The issuer's origin, which `iss` must equal. */
  readonly issuer: string;
  /** The element's `cluster` attribute, which `sub` must equal. */
  readonly cluster: string;
  /** Now, in milliseconds since the epoch. */
  readonly now: number;
}

/** Clock difference forgiven between the issuer and the visitor's device, in seconds. */
export const CLOCK_TOLERANCE = 60;

export const TOKEN_TYPE = 'cluster-label+jwt';

const STATUSES: readonly unknown[] = ['valid', 'expired', 'revoked', 'none'];
/** The statuses of a `labels` entry: a scheme in which no label is held has no entry. */
const HELD = STATUSES.slice(0, 3);
const LEVELS: readonly unknown[] = ['bronze', 'silver', 'gold'];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Fields = Record<string, unknown>;

function record(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VerifyError('ERR_JWT_CLAIMS');
  return value as Fields;
}

function check(ok: boolean): void {
  if (!ok) throw new VerifyError('ERR_JWT_CLAIMS');
}

const optional = (value: unknown, valid: (v: unknown) => boolean): boolean => value === undefined || valid(value);
const isString = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A calendar date `YYYY-MM-DD` that exists (no 2023-02-30). */
export function isIsoDate(v: unknown): v is string {
  if (!isString(v) || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const day = Date.parse(`${v}T00:00:00Z`);
  return Number.isFinite(day) && new Date(day).toISOString().startsWith(v);
}

/**
 * A label's fields as `label` has them: a known status; a level (`isLevel`), which only `none`
 * may lack; dates that exist, `validUntil` at least for `valid`; for `revoked` a timestamp and
 * a reason if at all.
 */
function isLabel(label: Fields, statuses: readonly unknown[], isLevel: (v: unknown) => boolean): boolean {
  const { status } = label;
  return (
    statuses.includes(status) &&
    (status === 'none' ? optional(label.level, isLevel) : isLevel(label.level)) &&
    optional(label.awarded, isIsoDate) &&
    (status === 'valid' ? isIsoDate(label.validUntil) : optional(label.validUntil, isIsoDate)) &&
    optional(label.revokedAt, isTimestamp) &&
    optional(label.reason, isString)
  );
}

/** A held label ends with its `validUntil` day (UTC): a token that calls it valid later contradicts itself. */
function checkNotEnded(label: { readonly status?: unknown; readonly validUntil?: unknown }, now: number): void {
  if (label.status === 'valid' && Date.parse(`${String(label.validUntil)}T23:59:59Z`) / 1000 < now - CLOCK_TOLERANCE) {
    throw new VerifyError('ERR_LABEL_ENDED');
  }
}

function isTimestamp(v: unknown): boolean {
  return isString(v) && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v) && Number.isFinite(Date.parse(v));
}

/** An origin exactly as `URL` serialises it: scheme, host, port, nothing else. */
function isOrigin(v: unknown): boolean {
  try {
    return isString(v) && new URL(v).origin === v;
  } catch {
    return false;
  }
}

/**
 * The claims layer: given a header and payload whose signature already verified, checks
 * that they are an attestation for this cluster from this issuer, current within
 * {@link CLOCK_TOLERANCE}, and well formed. Throws a {@link VerifyError} (state `invalid`).
 *
 * @example const claims = checkClaims(jws.header, jws.payload, { issuer, cluster: 'demo-silver', now: Date.now() });
 */
export function checkClaims(header: Readonly<Fields>, payload: Uint8Array, context: ClaimsContext): AttestationClaims {
  if (header.typ !== TOKEN_TYPE) throw new VerifyError('ERR_JWT_TYP');
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(payload));
  } catch {
    throw new VerifyError('ERR_JWT_CLAIMS');
  }
  const c = record(parsed);
  if (c.iss !== context.issuer) throw new VerifyError('ERR_JWT_ISS');
  if (c.sub !== context.cluster) throw new VerifyError('ERR_JWT_SUB');

  const { iat, nbf, exp } = c;
  check(isTime(iat) && isTime(nbf) && isTime(exp) && isString(c.jti));
  const now = context.now / 1000;
  if ((nbf as number) > now + CLOCK_TOLERANCE) throw new VerifyError('ERR_JWT_NBF');
  if ((iat as number) > now + CLOCK_TOLERANCE) throw new VerifyError('ERR_JWT_IAT');
  if ((exp as number) <= now - CLOCK_TOLERANCE) throw new VerifyError('ERR_JWT_EXP');

  const label = record(c.label);
  check(isLabel(label, STATUSES, (v) => LEVELS.includes(v)));
  checkNotEnded(label, now);

  const cluster = record(c.cluster);
  check(isString(cluster.name) && cluster.name !== '' && Array.isArray(cluster.sites) && cluster.sites.every(isOrigin));
  return c as unknown as AttestationClaims;
}

/** An entry of `labels`: a scheme's id and a label of it as `label` has one, but never `none` (no label, no entry). */
function isSchemeLabel(value: unknown): value is Label {
  const entry = record(value);
  return isString(entry.scheme) && isLabel(entry, HELD, isString);
}

/** How a scheme in which the cluster holds no label reads: as `label` does for a cluster without the ECEI's. */
const NONE: Label = { status: 'none' };

/**
 * The claim `labels`, for a badge of `scheme` (not the ECEI's, which reads `label`), on claims
 * that passed {@link checkClaims}: an array of well-formed entries — `scheme`, and a label as
 * `label` has one, of a held status (`valid`, `expired`, `revoked`) — with at most one per
 * scheme; the scheme's own entry at one of the scheme's levels and, when `valid`, not ended.
 * Returns that entry, or a `none` label when there is none (or no `labels` at all). Throws a
 * {@link VerifyError} (state `invalid`).
 *
 * @example const label = checkSchemeLabel(claims, kompass, Date.now()); // { scheme: 'kompass', status: 'valid', … }
 */
export function checkSchemeLabel(claims: AttestationClaims, scheme: Scheme, now: number): Label {
  const labels: unknown = claims.labels;
  if (labels === undefined) return NONE;
  if (!Array.isArray(labels) || !labels.every(isSchemeLabel)) throw new VerifyError('ERR_JWT_CLAIMS');
  const label = labels.find((entry) => entry.scheme === scheme.id) ?? NONE;
  check(
    new Set(labels.map((entry) => entry.scheme)).size === labels.length &&
      (label === NONE || scheme.levels.some((level) => level.id === label.level)),
  );
  checkNotEnded(label, now / 1000);
  return label;
}
