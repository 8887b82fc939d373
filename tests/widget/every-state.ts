import type { LabelState } from '../../widget/verify/state.ts';
import { FakeIssuer, kompassLabel, makeKey, type Route } from './fake-issuer.ts';

/** One cluster id per state the badge can show. */
export const CLUSTER_FOR: Readonly<Record<LabelState, string>> = {
  loading: 'c-loading',
  valid: 'c-valid',
  expired: 'c-expired',
  revoked: 'c-revoked',
  invalid: 'c-invalid',
  mismatch: 'c-mismatch',
  unavailable: 'c-down',
  unknown: 'c-unlabelled',
};

export const STATES = Object.keys(CLUSTER_FOR) as LabelState[];

/** A request that is never answered, so the badge stays `loading`. */
export const never: Route = (_url, init) => new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));

/** The issuer, with its unavailable cluster answering `503` and its loading one never. */
function withFailingClusters(issuer: FakeIssuer): FakeIssuer {
  const answer = issuer.attestation;
  issuer.attestation = (url, init) => {
    if (url.includes(`/${CLUSTER_FOR.unavailable}/`)) return new Response('{"error":{"code":"down"}}', { status: 503 });
    if (url.includes(`/${CLUSTER_FOR.loading}/`)) return never(url, init);
    return answer(url, init);
  };
  return issuer;
}

/** An issuer whose clusters, between them, put a badge in every state. */
export async function issuerWithEveryState(): Promise<FakeIssuer> {
  const issuer = await FakeIssuer.create();
  await issuer.publish(CLUSTER_FOR.valid);
  await issuer.publish(CLUSTER_FOR.expired, { label: { status: 'expired', validUntil: '2025-03-31' } });
  await issuer.publish(CLUSTER_FOR.revoked, { label: { status: 'revoked', revokedAt: '2025-05-02T09:30:00Z', reason: 'Evidence incomplete.' } });
  await issuer.publish(CLUSTER_FOR.invalid, await issuer.sign(CLUSTER_FOR.invalid, {}, { kid: issuer.key.jwk.kid }, await makeKey()));
  await issuer.publish(CLUSTER_FOR.mismatch, { cluster: { sites: ['https://www.other-cluster.example'] } });
  await issuer.publish(CLUSTER_FOR.unknown, { label: { status: 'none', level: undefined, awarded: undefined, validUntil: undefined } });
  return withFailingClusters(issuer);
}

/**
 * An issuer whose clusters put a `scheme="kompass"` badge in every state. Each also holds the
 * ECEI's Silver (`label`, and its entry in `labels`), which a Kompass badge must never show;
 * the unlabelled one holds nothing but that.
 */
export async function kompassIssuerWithEveryState(): Promise<FakeIssuer> {
  const issuer = await FakeIssuer.create();
  const ecei = { scheme: 'ecei', status: 'valid', level: 'silver', awarded: '2024-03-12', validUntil: '2026-03-31' };
  const holding = (patch: Record<string, unknown> = {}) => ({ labels: [ecei, kompassLabel(patch)] });
  await issuer.publish(CLUSTER_FOR.valid, holding());
  await issuer.publish(CLUSTER_FOR.expired, holding({ status: 'expired', validUntil: '2025-03-31' }));
  await issuer.publish(CLUSTER_FOR.revoked, holding({ status: 'revoked', revokedAt: '2025-05-02T09:30:00Z', reason: 'Membership ended.' }));
  await issuer.publish(CLUSTER_FOR.invalid, await issuer.sign(CLUSTER_FOR.invalid, holding(), { kid: issuer.key.jwk.kid }, await makeKey()));
  await issuer.publish(CLUSTER_FOR.mismatch, { ...holding(), cluster: { sites: ['https://www.other-cluster.example'] } });
  await issuer.publish(CLUSTER_FOR.unknown, { labels: [ecei] });
  return withFailingClusters(issuer);
}
