import * as z from 'zod';
import { fail, type ErrorCode } from '../errors.ts';
import { LANGUAGES, languageOf } from '../languages.ts';
import { AnyObject, clusterIdParameter, html, json, pathParameter, redirect, type Answer, type Operation } from './operation.ts';
import { choiceQuery, schemeQuery } from './query.ts';
import { refusalIssue } from './refusals.ts';
import { registerQuery } from './register.ts';
import { RESPONSES as R } from './responses.ts';

/** A widget language's file: its code, two or three letters, and `.json`. */
export const LOCALE_FILE = /^([a-z]{2,3})\.json$/;

/*
 * The public routes: what cluster websites and verifiers fetch, the register's pages and
 * open data, the public log, the widget. Each route checks its query with the schema
 * named here (`readQuery`), and the OpenAPI document describes the same entries.
 */

/** Rows a page of the JSON register holds unless the address asks for another number. */
export const OPEN_DATA_PAGE_SIZE = 50;
/** Rows a page of the register's HTML page holds unless the address asks for another number. */
export const REGISTER_PAGE_SIZE = 25;

const text = 'text';

/** A badge's language: one of the catalogue's, or a regional tag of one (`pt-BR` draws `pt`). */
const badgeLanguage = z
  .string()
  .default('en')
  .describe(`The image's language: ${LANGUAGES.join(', ')}, or a regional tag of one (pt-BR).`)
  .transform((tag, context) => {
    const lang = languageOf(tag);
    if (lang !== undefined) return lang;
    context.addIssue(refusalIssue(fail('invalid_query', { parameter: 'lang', rule: `must be one of ${LANGUAGES.join(', ')}` }), tag));
    return z.NEVER;
  });

const schemeOfBadge = schemeQuery.describe('The scheme whose label the badge shows (default: `ecei`); never another scheme’s.');

export const BadgeQuery = z.object({ lang: badgeLanguage, scheme: schemeOfBadge });

export const EMBED_SIZES = ['card', 'pill', 'seal'] as const;
export const EMBED_THEMES = ['auto', 'light', 'dark'] as const;

export const EmbedQuery = z.object({
  size: choiceQuery(EMBED_SIZES).default('card'),
  theme: choiceQuery(EMBED_THEMES).default('auto'),
  lang: choiceQuery(LANGUAGES).default('en'),
  scheme: schemeOfBadge,
});

/** The language switch of the register's pages, which `rememberLanguage` answers before the page does. */
const LanguageSwitch = z.object({ lang: z.enum(LANGUAGES).optional().describe('Remembers the language in a cookie and redirects to the address without it.') });
const languageSwitched = redirect('The language is remembered; to the same address without `lang`.');

const cursor = z
  .string()
  .max(2000)
  .regex(/^[A-Za-z0-9_-]+$/)
  .optional()
  .describe('Where the page starts: the cursor in the previous page’s `next` link, for the same `sort`. Opaque; each page costs the same however deep. Not with `page`.');

const outOfRange = { 400: 'A query parameter is out of range.' };
const widget = { 503: 'The widget has not been built on this server.' };
const notModified: Answer = { description: 'Not modified.' };
const module: Answer = { description: 'One self-contained ES module.', content: { 'text/javascript': text } };

/** A public route: CORS `*` on its answers and on its refusals. */
const crossOrigin = (operation: Omit<Operation, 'cors' | 'method'> & { refusals?: readonly ErrorCode[] }): Operation => ({ method: 'get', cors: true, ...operation });

export const PUBLIC = {
  health: {
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Health of this instance and its database',
    answers: { '200': { description: 'The database answers.', content: json(R.Health) }, '503': { description: 'The database cannot be reached.', content: json(R.Unhealthy) } },
  },
  openApi: {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document',
    answers: { '200': { description: 'OpenAPI 3.1.', content: json(AnyObject) } },
  },
  jwks: crossOrigin({
    path: '/.well-known/jwks.json',
    tag: 'public',
    summary: 'The public signing keys',
    description: 'The signing key, a next key published ahead of use, and retired keys that unexpired tokens may need. CORS `*`.',
    answers: { '200': { description: 'The key set.', content: json(R.Jwks) } },
  }),
  attestation: crossOrigin({
    path: '/v1/clusters/{id}/attestation',
    tag: 'public',
    summary: 'The cluster’s current signed attestation',
    description: 'A compact JWS (`typ: cluster-label+jwt`, ES256). See docs/token.md for its claims. CORS `*`.',
    parameters: [clusterIdParameter, { name: 'If-None-Match', in: 'header', required: false, schema: z.string() }],
    answers: {
      '200': { description: 'The token.', headers: { ETag: 'The token’s tag, for If-None-Match.', 'Cache-Control': 'At most half the lifetime, never past `exp`.' }, content: { 'application/cluster-label+jwt': text } },
      '304': { description: 'The token named by If-None-Match is still current.' },
    },
    refusals: ['cluster_not_found', 'registry_unavailable'],
    refusalNotes: { 404: 'No cluster has this id.', 503: 'The registry cannot be reached and no unexpired token is cached.' },
  }),
  badgeSvg: crossOrigin({
    path: '/v1/clusters/{id}/badge.svg',
    tag: 'public',
    summary: 'The cluster’s label status as an image, for places without JavaScript',
    parameters: [clusterIdParameter],
    query: BadgeQuery,
    answers: {
      '200': { description: 'An SVG image.', content: { 'image/svg+xml': text } },
      '404': { description: 'No cluster has this id: an image saying "not registered", so an `<img>` never shows as broken.', content: { 'image/svg+xml': text } },
    },
    refusals: ['invalid_query'],
    refusalNotes: outOfRange,
  }),
  badgePng: crossOrigin({
    path: '/v1/clusters/{id}/badge.png',
    tag: 'public',
    summary: 'The same image as PNG at twice the size, for mail clients that block SVG',
    parameters: [clusterIdParameter],
    query: BadgeQuery,
    answers: {
      '200': { description: 'A PNG image.', content: { 'image/png': 'binary' } },
      '404': { description: 'No cluster has this id: an image saying "not registered".', content: { 'image/png': 'binary' } },
    },
    refusals: ['invalid_query'],
    refusalNotes: outOfRange,
  }),
  openData: crossOrigin({
    path: '/v1/clusters',
    tag: 'register',
    summary: 'The public register as JSON, a page at a time',
    query: registerQuery(OPEN_DATA_PAGE_SIZE).extend({ after: cursor }),
    answers: { '200': { description: 'One page of the register. `page` is absent on a page reached by `after`.', content: json(R.RegisterPage) } },
    refusals: ['invalid_query'],
    refusalNotes: { 400: 'A query parameter is out of range, or `after` is not a cursor this register handed out.' },
  }),
  openDataCsv: crossOrigin({
    path: '/v1/clusters.csv',
    tag: 'register',
    summary: 'The public register as CSV: every cluster that matches',
    query: registerQuery(OPEN_DATA_PAGE_SIZE).omit({ page: true, pageSize: true }),
    answers: { '200': { description: 'CSV with a header line.', content: { 'text/csv': text } } },
    refusals: ['invalid_query'],
    refusalNotes: outOfRange,
  }),
  auditHead: crossOrigin({
    path: '/v1/audit/head',
    tag: 'public',
    summary: 'The signed head of the audit chain',
    description: 'Save it: `npm run admin -- audit verify --head <file>` later proves that the chain still contains it.',
    answers: { '200': { description: 'The newest entry’s sequence number and hash, signed.', content: json(R.AuditHead) } },
    refusals: ['audit_log_empty'],
    refusalNotes: { 404: 'The audit log is empty.' },
  }),
  log: crossOrigin({
    path: '/v1/log',
    tag: 'public',
    summary: 'The public log: its origin line, verifier keys and witnesses (docs/log.md)',
    answers: {
      '200': {
        description: 'The log as C2SP tlog-tiles clients need it.',
        content: json(
          z.strictObject({
            origin: z.string(),
            prefix: z.string(),
            checkpoint: z.string(),
            verifierKey: z.string().describe('The current checkpoint key, a signed-note vkey (Ed25519).'),
            verifierKeys: z.array(z.string()),
            witnesses: z.array(z.strictObject({ name: z.string(), verifierKey: z.string() })),
          }),
        ),
      },
    },
  }),
  checkpoint: crossOrigin({
    path: '/log/checkpoint',
    tag: 'public',
    summary: 'The newest checkpoint (c2sp.org/tlog-checkpoint): a signed note with the witnesses’ cosignatures',
    answers: { '200': { description: 'origin, size and root hash, then the signatures.', content: { 'text/plain': text } } },
  }),
  tile: crossOrigin({
    path: '/log/tile/{path}',
    tag: 'public',
    summary: 'A tile or entry bundle (c2sp.org/tlog-tiles): `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, immutable',
    parameters: [pathParameter('path', z.string(), 'The tile address after `tile/`, slashes included.')],
    answers: { '200': { description: 'Hashes, or length-prefixed entries.', content: { 'application/octet-stream': 'binary' } } },
    refusals: ['tile_not_found'],
    refusalNotes: { 404: 'No such tile in the published checkpoint, or not a tile address.' },
  }),
  widget: crossOrigin({
    path: '/widget.js',
    tag: 'public',
    summary: 'The widget, evergreen within its major version',
    answers: { '200': module, '304': notModified },
    refusals: ['widget_not_built'],
    refusalNotes: widget,
  }),
  schemes: crossOrigin({
    path: '/v1/schemes',
    tag: 'public',
    summary: 'The schemes this registry records labels of: their levels, validity and renewal rules',
    description: 'Today the ECEI label alone (`ecei`), with the validity and renewal periods this deployment is configured with. See docs/schemes.md. CORS `*`.',
    answers: { '200': { description: 'The schemes.', content: json(R.SchemeList), headers: { 'Cache-Control': 'How long it may be kept.' } } },
  }),
  widgetInfo: crossOrigin({
    path: '/v1/widget',
    tag: 'public',
    summary: 'The widget’s current version, its addresses and its SRI hash',
    description: 'What a site needs to pin this version with Subresource Integrity.',
    answers: { '200': { description: 'The version.', content: json(R.WidgetInfo) } },
    refusals: ['widget_not_built'],
    refusalNotes: widget,
  }),
  widgetVersion: crossOrigin({
    path: '/widget/{version}/cluster-label.js',
    tag: 'public',
    summary: 'One version of the widget, immutable',
    parameters: [pathParameter('version')],
    answers: { '200': module, '304': notModified },
    refusals: ['widget_version_not_found', 'widget_not_built'],
    refusalNotes: { 404: 'This server does not have that version.', ...widget },
  }),
  widgetLocale: crossOrigin({
    path: '/widget/{version}/locales/{file}',
    tag: 'public',
    summary: 'The widget’s words in one language it does not carry, immutable',
    description: 'The badge fetches it beside the token for a language other than English and German (`pl.json`).',
    parameters: [pathParameter('version'), pathParameter('file', z.string().regex(LOCALE_FILE))],
    answers: { '200': { description: 'The language’s words for the badge and its dialog.', content: json(AnyObject) }, '304': notModified },
    refusals: ['widget_version_not_found', 'widget_language_not_found', 'widget_not_built'],
    refusalNotes: { 404: 'This server does not have that version or that language.', ...widget },
  }),
  home: {
    method: 'get',
    path: '/',
    tag: 'register',
    summary: 'The issuer’s home: the register',
    answers: { '302': redirect('To /clusters.') },
  },
  register: {
    method: 'get',
    path: '/clusters',
    tag: 'register',
    summary: 'The public register (HTML)',
    query: registerQuery(REGISTER_PAGE_SIZE).extend(LanguageSwitch.shape),
    answers: { '200': html('The register page.'), '303': languageSwitched, '400': html('A filter is out of range.') },
  },
  clusterPage: {
    method: 'get',
    path: '/clusters/{id}',
    tag: 'register',
    summary: 'The issuer’s verification page for a cluster (HTML)',
    parameters: [clusterIdParameter],
    query: LanguageSwitch,
    answers: { '200': html('The cluster’s page.'), '303': languageSwitched, '404': html('No cluster has this id.') },
  },
  websitePage: {
    method: 'get',
    path: '/clusters/{id}/website',
    tag: 'register',
    summary: 'For the cluster’s webmaster: the badge snippets (script, iframe, image) and why a badge may say “not this site” (HTML)',
    parameters: [clusterIdParameter],
    query: LanguageSwitch,
    answers: { '200': html('The page.'), '303': languageSwitched, '404': html('No cluster has this id.') },
  },
  embed: {
    method: 'get',
    path: '/embed/{id}',
    tag: 'public',
    summary: 'The badge as a page for an iframe, for sites that cannot run scripts; `frame-ancestors` lists only the cluster’s registered sites',
    parameters: [clusterIdParameter],
    query: EmbedQuery,
    answers: { '200': html('The badge page.'), '400': html('An option has a value it cannot take.'), '404': html('No cluster has this id.') },
  },
  verifyPage: {
    method: 'get',
    path: '/verify',
    tag: 'register',
    summary: 'The verification page (HTML)',
    answers: { '200': html('A form to paste or upload a token.') },
  },
  verifyForm: {
    method: 'post',
    path: '/verify',
    tag: 'register',
    summary: 'Verify from the page (multipart form: `credential` or `file`)',
    answers: { '200': html('The verdict in plain words.'), '400': html('Not a token this issuer signs.'), '413': html('The body is too large.') },
  },
} as const satisfies Record<string, Operation>;
