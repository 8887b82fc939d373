/// <reference types="vite/client" />
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ClusterLabel } from '../../widget/cluster-label.ts';
import { createEnv, type CheckEnv } from '../../widget/env.ts';
import type { Fetch } from '../../widget/fetch-issuer.ts';
import type { AttestationClaims } from '../../widget/verify/claims.ts';
import { makeTestLog, type TestLog } from '../support/log-claim.ts';
import type { Catalogue } from '../../locales/catalogue.ts';
import { BUNDLED } from '../../widget/view/i18n.ts';

/** A signing key as the issuer holds it, with its public JWK as the JWKS publishes it. */
export interface TestKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK & { kid: string };
}

export async function makeKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

const text = new TextEncoder();
export const b64u = (bytes: Uint8Array | string): string =>
  btoa(String.fromCharCode(...(typeof bytes === 'string' ? text.encode(bytes) : bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * Signs any header and payload with ES256 straight through WebCrypto (raw r‖s, as JWS wants),
 * including headers a real issuer never writes and a signing library would refuse.
 */
export async function signEs256(key: TestKey, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64u(JSON.stringify({ alg: 'ES256', ...header }))}.${b64u(body)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, text.encode(input));
  return `${input}.${b64u(new Uint8Array(signature))}`;
}

declare const __CLUSTER_LABEL_VERSION__: string;

/** The message catalogue's files, read as the build reads them. */
export const CATALOGUE = import.meta.glob<Catalogue>('../../locales/*.json', { eager: true, import: 'default' });
const BUNDLED_LANGUAGES = Object.keys(BUNDLED);

/** The ECEI scheme as an issuer lists it (docs/schemes.md). */
export const ECEI_SCHEME = {
  id: 'ecei',
  kind: 'levels',
  name: { en: 'Cluster Management Excellence Label' },
  issuer: 'European Secretariat for Cluster Analysis (ESCA)',
  levels: [
    { id: 'bronze', name: { en: 'Bronze', de: 'Bronze' }, validityMonths: 24, renewalMonths: 36, seal: { colour: '#8a572a', emblem: 'stars' } },
    { id: 'silver', name: { en: 'Silver', de: 'Silber' }, validityMonths: 24, renewalMonths: 24, seal: { colour: '#636b75', emblem: 'stars' } },
    { id: 'gold', name: { en: 'Gold', de: 'Gold' }, validityMonths: 24, renewalMonths: 24, seal: { colour: '#8a6d0b', emblem: 'stars' } },
  ],
  rules: { renewalWindowMonths: null, graceMonths: 12 },
};

/** The demo's second, fictional programme, shaped like a cluster network's membership. */
export const KOMPASS_SCHEME = {
  id: 'kompass',
  kind: 'membership',
  name: { en: 'Kompass Cluster Network', de: 'Kompass-Clusternetzwerk' },
  issuer: 'Kompass Programme Office',
  levels: [{ id: 'member', name: { en: 'Member', de: 'Mitglied' }, validityMonths: 36, renewalMonths: 36, seal: { colour: '#1f5f8b', emblem: 'check' } }],
  rules: { renewalWindowMonths: 6, graceMonths: 0 },
};

/** A cluster's Kompass membership as the token's `labels` states it, with `patch` laid over it. */
export const kompassLabel = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  scheme: 'kompass',
  status: 'valid',
  level: 'member',
  awarded: '2024-05-02',
  validUntil: '2027-05-31',
  ...patch,
});

type ClaimsPatch = Partial<Omit<AttestationClaims, 'label' | 'labels' | 'cluster'>> & {
  label?: Partial<AttestationClaims['label']> & Record<string, unknown>;
  cluster?: Partial<AttestationClaims['cluster']>;
} & Record<string, unknown>;

export interface Route {
  (url: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * An issuer living inside the test page: it signs attestations with a fresh ES256 key and
 * answers the widget's requests through the env's `fetch`, recording each one. Routes can be
 * replaced to play a faulty issuer.
 */
export class FakeIssuer {
  readonly origin: string;
  readonly key: TestKey;
  readonly log: TestLog;
  /** The time the issuer believes it is, in ms; the env of every badge shares it. */
  now = Date.UTC(2025, 5, 15, 12);
  readonly requests: { url: string; init: RequestInit }[] = [];
  keys: JWK[];
  attestation: Route;
  jwksRoute: Route;
  readonly tokens = new Map<string, string>();
  /** The schemes `GET /v1/schemes` lists. */
  schemes: unknown[] = [ECEI_SCHEME, KOMPASS_SCHEME];
  schemesRoute: Route = () => Response.json({ schemes: this.schemes }, { headers: { 'cache-control': 'public, max-age=300' } });
  /** The language files, as the issuer serves them beside its widget. */
  localeRoute: Route = (url) => {
    const match = new RegExp(`^${this.origin}/widget/${__CLUSTER_LABEL_VERSION__}/locales/([a-z]+)\\.json$`).exec(url);
    const entry = match && CATALOGUE[`../../locales/${match[1]}.json`];
    if (!entry || BUNDLED_LANGUAGES.includes(match[1]!)) return new Response('not found', { status: 404 });
    return Response.json({ intl: entry.intl, levels: entry.levels, ...entry.widget }, { headers: { 'cache-control': 'public, max-age=31536000, immutable' } });
  };

  private constructor(origin: string, key: TestKey, log: TestLog) {
    this.origin = origin;
    this.key = key;
    this.log = log;
    this.keys = [key.jwk];
    this.jwksRoute = () => Response.json({ keys: this.keys });
    this.attestation = (url) => {
      const id = decodeURIComponent(url.split('/')[5] ?? '');
      const token = this.tokens.get(id);
      return token
        ? new Response(token, { headers: { 'content-type': 'application/cluster-label+jwt' } })
        : Response.json({ error: { code: 'cluster_not_found', message: 'no such cluster' } }, { status: 404 });
    };
  }

  static async create(origin = 'https://issuer.example'): Promise<FakeIssuer> {
    return new FakeIssuer(origin, await makeKey(), await makeTestLog(`${new URL(origin).host}/log`));
  }

  /** The claims a correct issuer would sign for `cluster` now, with `patch` laid over them. */
  claims(cluster: string, patch: ClaimsPatch = {}): Record<string, unknown> {
    const iat = Math.floor(this.now / 1000);
    const { label, cluster: clusterPatch, ...rest } = patch;
    return {
      iss: this.origin,
      sub: cluster,
      iat,
      nbf: iat,
      exp: iat + 600,
      jti: crypto.randomUUID(),
      ...rest,
      label: { status: 'valid', level: 'silver', awarded: '2024-03-12', validUntil: '2026-03-31', ...label },
      cluster: { name: 'Nordlicht Photonics Cluster', sites: [location.origin], ...clusterPatch },
    };
  }

  /** A token for `cluster`; one stating a `valid` label of any scheme carries the `log` claim a correct issuer adds, unless `patch` sets one. */
  async sign(cluster: string, patch: ClaimsPatch = {}, header: Record<string, unknown> = {}, key = this.key): Promise<string> {
    const claims = this.claims(cluster, patch);
    const stated = [claims.label, ...(Array.isArray(claims.labels) ? claims.labels : [])];
    if (!('log' in patch) && stated.some((label) => (label as { status?: unknown } | null)?.status === 'valid')) claims.log = await this.log.claim(claims);
    return signEs256(key, { typ: 'cluster-label+jwt', kid: key.jwk.kid, ...header }, claims);
  }

  /** Publishes a token for `cluster`: a signed one from a claims patch, or the given string as is. */
  async publish(cluster: string, token: string | ClaimsPatch = {}): Promise<string> {
    const value = typeof token === 'string' ? token : await this.sign(cluster, token);
    this.tokens.set(cluster, value);
    return value;
  }

  readonly fetch: Fetch = async (url, init) => {
    this.requests.push({ url, init });
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (!url.startsWith(`${this.origin}/`)) throw new TypeError(`request outside the issuer: ${url}`);
    const path = url.slice(this.origin.length);
    if (path === '/.well-known/jwks.json') return this.jwksRoute(url, init);
    if (/^\/v1\/clusters\/[^/]+\/attestation$/.test(path)) return this.attestation(url, init);
    if (path.startsWith('/widget/')) return this.localeRoute(url, init);
    if (path === '/v1/schemes') return this.schemesRoute(url, init);
    if (path === '/v1/log') return Response.json({ origin: this.log.origin, verifierKey: this.log.vkey, witnesses: [] });
    return new Response('not found', { status: 404 });
  };

  env(parts: Partial<Parameters<typeof createEnv>[1]> = {}): CheckEnv {
    return createEnv(this.origin, { fetch: this.fetch, now: () => this.now, pageOrigin: () => location.origin, ...parts });
  }
}

let tags = 0;

/** Registers the element under a fresh tag bound to `env`, as `define.ts` does for the real issuer. */
export function defineFor(env: CheckEnv): string {
  const tag = `test-label-${++tags}`;
  customElements.define(
    tag,
    class extends ClusterLabel {
      static override env = env;
    },
  );
  return tag;
}

/** Adds a badge to the page and waits until it has decided. */
export async function mount(tag: string, attributes: Record<string, string>, parent: HTMLElement = document.body): Promise<ClusterLabel> {
  const element = document.createElement(tag) as ClusterLabel;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  parent.append(element);
  await settled(element);
  return element;
}

/** Resolves once the badge has left `loading` and rendered. */
export async function settled(element: ClusterLabel): Promise<string> {
  for (let i = 0; i < 200; i++) {
    await element.updateComplete;
    const state = element.getAttribute('state');
    if (state && state !== 'loading') return state;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`badge stayed ${element.getAttribute('state')}`);
}

export function shadow(element: ClusterLabel): ShadowRoot {
  if (!element.shadowRoot) throw new Error('no shadow root');
  return element.shadowRoot;
}
