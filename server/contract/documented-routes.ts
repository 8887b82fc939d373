import type { Role } from '../auth/roles.ts';
import type { ErrorCode } from '../errors.ts';
import { LEVELS } from '../domain/types.ts';
import { SLUG } from '../domain/clusters.ts';
import { LANGUAGES } from '../languages.ts';
import { LIST_SORTS, LIST_STATUSES, QUEUES } from '../console/list.ts';

/*
 * The routes other modules own and validate (the public routes, the register pages, the
 * console, the credentials), as the OpenAPI document describes them. Their answers refer
 * to the schemas of responses.ts by name; their refusal codes are typed from the catalogue.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const text: Schema = { type: 'string' };

/** An object whose every listed property is required, with no others. */
const object = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  additionalProperties: false,
});

const json = (schema: Schema, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });
const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
/** An error answer; the description lists the codes it can carry. */
const failure = (description: string, ...codes: ErrorCode[]) => ({ description: `${description} (\`${codes.join('`, `')}\`)`, content: json(ref('Error')) });
const clusterId = { name: 'id', in: 'path', required: true, description: 'The cluster id, a lowercase slug.', schema: { type: 'string', pattern: SLUG.source } };
const integerQuery = (name: string, description: string, minimum: number, maximum: number, fallback?: number) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', minimum, maximum, ...(fallback === undefined ? {} : { default: fallback }) },
});

const publicFailure = (description: string, ...codes: ErrorCode[]) => ({ ...failure(description, ...codes), headers: { 'Access-Control-Allow-Origin': { schema: { type: 'string', enum: ['*'] } } } });
const publicQueryFailure = { '400': publicFailure('A query parameter is out of range.', 'invalid_query') };
const html = (description: string) => ({ description, content: { 'text/html': { schema: text } } });
const redirect = (description: string) => ({ description, headers: { Location: { schema: text } } });

const registerFilters = [
  { name: 'q', in: 'query', required: false, description: 'Words that must all occur in the name.', schema: text },
  { name: 'country', in: 'query', required: false, description: 'ISO 3166 two-letter code.', schema: text },
  { name: 'level', in: 'query', required: false, schema: { type: 'string', enum: [...LEVELS] } },
  { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['valid', 'expired', 'revoked', 'none'] } },
  { name: 'sort', in: 'query', required: false, schema: { type: 'string', enum: ['name', '-name', 'country', 'valid-until', '-valid-until'], default: 'name' } },
];
const languageSwitch = { name: 'lang', in: 'query', required: false, description: 'Remembers the language in a cookie and redirects to the address without it.', schema: { type: 'string', enum: [...LANGUAGES] } };
const languageSwitched = redirect('The language is remembered; to the same address without `lang`.');

/**
 * A page or form of the console (server/console, issue 5): HTML for a signed-in
 * session; every form carries the session's CSRF token and comes from this origin.
 */
function consoleRoute(role: Role, summary: string, kind: 'page' | 'form', parameters: unknown[] = [], answers: Record<string, unknown> = {}) {
  const refusals = {
    '403': html(`The account’s role is below \`${role}\`${kind === 'form' ? ', or the form’s CSRF token or origin is wrong' : ''}.`),
  };
  return {
    tags: ['console'],
    security: [{ consoleSession: [] }],
    'x-role': role,
    summary,
    parameters,
    responses:
      kind === 'page'
        ? { '200': html('The page.'), '303': redirect('Not signed in: to the sign-in page.'), ...refusals }
        : {
            ...answers,
            '303': redirect('Done: to the page that shows the result (or to the sign-in page when not signed in).'),
            '400': html('Refused: the form again, with the reason and what was typed.'),
            ...refusals,
            '404': html('No such cluster, account or key.'),
            '409': html('Refused by the label’s life or a name taken: the form again, with the reason.'),
            '413': html('The form is larger than 64 KiB.'),
          },
  };
}

const consoleId = (name: string) => ({ name, in: 'path', required: true, schema: text });
const confirmation = { '200': html('The first step: what will happen, and a form to confirm it (`confirm=yes`).') };

export const CONSOLE_PATHS = {
  '/admin/console.css': { get: { tags: ['console'], summary: 'The console’s stylesheet', responses: { '200': { description: 'CSS.', content: { 'text/css': { schema: text } } } } } },
  '/admin/sign-in': {
    get: { tags: ['console'], summary: 'The sign-in form', responses: { '200': html('The form.'), '303': redirect('Already signed in: to the dashboard.') } },
    post: {
      tags: ['console'],
      summary: 'Sign in with e-mail and password',
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: object({ email: text, password: text, csrf: text }) } } },
      responses: {
        '303': redirect('Signed in: to the dashboard, with a session cookie.'),
        '401': html('Wrong e-mail address or password, or a disabled account.'),
        '403': html('The sign-in form expired.'),
        '429': html('Too many failed sign-ins; try again later.'),
      },
    },
  },
  '/admin/sign-out': {
    post: { tags: ['console'], security: [{ consoleSession: [] }], summary: 'Sign out', responses: { '303': redirect('To the sign-in page.'), '403': html('The form’s CSRF token or origin is wrong.') } },
  },
  '/admin': { get: consoleRoute('viewer', 'The dashboard', 'page') },
  '/admin/clusters': { get: consoleRoute('viewer', 'Cluster search', 'page'), post: consoleRoute('officer', 'Register a cluster', 'form') },
  '/admin/clusters/new': { get: consoleRoute('officer', 'The form to register a cluster', 'page') },
  '/admin/clusters/{id}': { get: consoleRoute('viewer', 'A cluster with its label history and actions', 'page', [clusterId]), post: consoleRoute('officer', 'Change a cluster', 'form', [clusterId]) },
  '/admin/clusters/{id}/edit': { get: consoleRoute('officer', 'The form to change a cluster', 'page', [clusterId]) },
  '/admin/clusters/{id}/award': { post: consoleRoute('officer', 'Award a label', 'form', [clusterId]) },
  '/admin/clusters/{id}/upgrade': { post: consoleRoute('officer', 'Upgrade the label', 'form', [clusterId]) },
  '/admin/clusters/{id}/renew': { post: consoleRoute('officer', 'Renew the label', 'form', [clusterId]) },
  '/admin/clusters/{id}/revoke': { post: consoleRoute('officer', 'Revoke the label (confirmed in a second step)', 'form', [clusterId], confirmation) },
  '/admin/clusters/{id}/withdraw': { post: consoleRoute('officer', 'Withdraw the label (confirmed in a second step)', 'form', [clusterId], confirmation) },
  '/admin/audit': { get: consoleRoute('viewer', 'The audit log and its verification', 'page') },
  '/admin/reminders': { get: consoleRoute('viewer', 'Reminder deliveries', 'page') },
  '/admin/import': {
    get: consoleRoute('viewer', 'Import (officers) and export of the register', 'page'),
    post: consoleRoute('officer', 'Upload a register CSV as multipart/form-data, the CSRF token first (at most 32 MiB): checked in a dry run', 'form'),
  },
  '/admin/import/{id}': { get: consoleRoute('officer', 'An upload: its progress (the page reloads itself), its summary and refused lines', 'page', [consoleId('id')]) },
  '/admin/import/{id}/confirm': { post: consoleRoute('officer', 'Write a checked upload: one transaction, one audit entry', 'form', [consoleId('id')]) },
  '/admin/export.csv': {
    get: {
      ...consoleRoute('viewer', 'The clusters the cluster list shows for the same filters, as CSV, streamed in the list’s order', 'page', [
        { name: 'q', in: 'query', required: false, description: 'Words that must all occur in the name, or the start of the id.', schema: text },
        { name: 'country', in: 'query', required: false, description: 'ISO 3166 two-letter code.', schema: text },
        { name: 'level', in: 'query', required: false, schema: { type: 'string', enum: [...LEVELS] } },
        { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: [...LIST_STATUSES] } },
        { name: 'queue', in: 'query', required: false, description: 'A work queue of the office.', schema: { type: 'string', enum: [...QUEUES] } },
        { name: 'sort', in: 'query', required: false, description: 'The list’s order, which the file keeps.', schema: { type: 'string', enum: [...LIST_SORTS], default: 'name' } },
      ]),
      responses: { '200': { description: 'CSV with a header line, in the columns the import reads.', content: { 'text/csv': { schema: text } } }, '303': redirect('Not signed in: to the sign-in page.'), '400': html('A filter is not one the list takes.') },
    },
  },
  '/admin/users': { get: consoleRoute('admin', 'Console accounts', 'page'), post: consoleRoute('admin', 'Create an account', 'form') },
  '/admin/users/{id}/disable': { post: consoleRoute('admin', 'Disable an account', 'form', [consoleId('id')]) },
  '/admin/tokens': { get: consoleRoute('admin', 'API tokens', 'page'), post: consoleRoute('admin', 'Create an API token', 'form', [], { '201': html('Created: the page shows the secret, this once.') }) },
  '/admin/tokens/{name}/revoke': { post: consoleRoute('admin', 'Revoke an API token', 'form', [consoleId('name')]) },
  '/admin/keys': { get: consoleRoute('admin', 'Signing keys', 'page') },
  '/admin/keys/rotate': { post: consoleRoute('admin', 'Rotate the signing key', 'form') },
  '/admin/keys/{kid}/revoke': { post: consoleRoute('admin', 'Revoke a signing key', 'form', [consoleId('kid')]) },
};

export const PUBLIC_PATHS = {
  '/healthz': {
    get: {
      tags: ['operations'],
      summary: 'Health of this instance and its database',
      responses: { '200': ok('The database answers.', ref('Health')), '503': ok('The database cannot be reached.', ref('Unhealthy')) },
    },
  },
  '/openapi.json': {
    get: { tags: ['operations'], summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
  '/.well-known/jwks.json': {
    get: {
      tags: ['public'],
      summary: 'The public signing keys',
      description: 'The signing key, a next key published ahead of use, and retired keys that unexpired tokens may need. CORS `*`.',
      responses: { '200': ok('The key set.', ref('Jwks')) },
    },
  },
  '/v1/clusters/{id}/attestation': {
    get: {
      tags: ['public'],
      summary: 'The cluster’s current signed attestation',
      description: 'A compact JWS (`typ: cluster-label+jwt`, ES256). See docs/token.md for its claims. CORS `*`.',
      parameters: [clusterId, { name: 'If-None-Match', in: 'header', required: false, schema: text }],
      responses: {
        '200': { description: 'The token.', headers: { ETag: { schema: text }, 'Cache-Control': { schema: text } }, content: { 'application/cluster-label+jwt': { schema: text } } },
        '304': { description: 'The token named by If-None-Match is still current.' },
        '404': publicFailure('No cluster has this id.', 'cluster_not_found'),
        '503': publicFailure('The registry cannot be reached and no unexpired token is cached.', 'registry_unavailable'),
      },
    },
  },
  '/v1/clusters/{id}/badge.svg': {
    get: {
      tags: ['public'],
      summary: 'The cluster’s label status as an image, for places without JavaScript',
      parameters: [clusterId, { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: [...LANGUAGES], default: 'en' } }],
      responses: {
        '200': { description: 'An SVG image.', content: { 'image/svg+xml': { schema: text } } },
        ...publicQueryFailure,
        '404': { description: 'No cluster has this id: an image saying "not registered", so an `<img>` never shows as broken.', content: { 'image/svg+xml': { schema: text } } },
      },
    },
  },
  '/v1/clusters/{id}/badge.png': {
    get: {
      tags: ['public'],
      summary: 'The same image as PNG at twice the size, for mail clients that block SVG',
      parameters: [clusterId, { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: [...LANGUAGES], default: 'en' } }],
      responses: {
        '200': { description: 'A PNG image.', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
        ...publicQueryFailure,
        '404': { description: 'No cluster has this id: an image saying "not registered".', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
      },
    },
  },
  '/v1/clusters': {
    get: {
      tags: ['register'],
      summary: 'The public register as JSON, a page at a time',
      parameters: [
        ...registerFilters,
        integerQuery('page', 'Page number (not with `after`).', 1, 1_000_000, 1),
        integerQuery('pageSize', 'Clusters a page.', 1, 100, 50),
        { name: 'after', in: 'query', required: false, description: 'Where the page starts: the cursor in the previous page’s `next` link, for the same `sort`. Opaque; each page costs the same however deep.', schema: { type: 'string', maxLength: 2000, pattern: '^[A-Za-z0-9_-]+$' } },
      ],
      responses: { '200': ok('One page of the register.', ref('RegisterPage')), ...publicQueryFailure },
    },
  },
  '/v1/clusters.csv': {
    get: {
      tags: ['register'],
      summary: 'The public register as CSV: every cluster that matches',
      parameters: registerFilters,
      responses: { '200': { description: 'CSV with a header line.', content: { 'text/csv': { schema: text } } }, ...publicQueryFailure },
    },
  },
  '/v1/audit/head': {
    get: {
      tags: ['public'],
      summary: 'The signed head of the audit chain',
      description: 'Save it: `npm run admin -- audit verify --head <file>` later proves that the chain still contains it.',
      responses: { '200': ok('The newest entry’s sequence number and hash, signed.', ref('AuditHead')), '404': publicFailure('The audit log is empty.', 'audit_log_empty') },
    },
  },
  '/v1/log': {
    get: {
      tags: ['public'],
      summary: 'The public log: its origin line, verifier keys and witnesses (docs/log.md)',
      responses: {
        '200': ok(
          'The log as C2SP tlog-tiles clients need it.',
          object({
            origin: text,
            prefix: text,
            checkpoint: text,
            verifierKey: { type: 'string', description: 'The current checkpoint key, a signed-note vkey (Ed25519).' },
            verifierKeys: { type: 'array', items: text },
            witnesses: { type: 'array', items: object({ name: text, verifierKey: text }) },
          }),
        ),
      },
    },
  },
  '/log/checkpoint': {
    get: {
      tags: ['public'],
      summary: 'The newest checkpoint (c2sp.org/tlog-checkpoint): a signed note with the witnesses’ cosignatures',
      responses: { '200': { description: 'origin, size and root hash, then the signatures.', content: { 'text/plain': { schema: text } } } },
    },
  },
  '/log/tile/{path}': {
    get: {
      tags: ['public'],
      summary: 'A tile or entry bundle (c2sp.org/tlog-tiles): `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, immutable',
      parameters: [{ name: 'path', in: 'path', required: true, description: 'The tile address after `tile/`, slashes included.', schema: text }],
      responses: {
        '200': { description: 'Hashes, or length-prefixed entries.', content: { 'application/octet-stream': { schema: text } } },
        '404': publicFailure('No such tile in the published checkpoint, or not a tile address.', 'tile_not_found'),
      },
    },
  },
  '/widget.js': {
    get: {
      tags: ['public'],
      summary: 'The widget, evergreen within its major version',
      responses: {
        '200': { description: 'One self-contained ES module.', content: { 'text/javascript': { schema: text } } },
        '304': { description: 'Not modified.' },
        '503': publicFailure('The widget has not been built on this server.', 'widget_not_built'),
      },
    },
  },
  '/v1/schemes': {
    get: {
      tags: ['public'],
      summary: 'The schemes this registry records labels of: their levels, validity and renewal rules',
      description: 'Today the ECEI label alone (`ecei`), with the validity and renewal periods this deployment is configured with. See docs/schemes.md. CORS `*`.',
      responses: { '200': { ...ok('The schemes.', ref('SchemeList')), headers: { 'Cache-Control': { schema: text } } } },
    },
  },
  '/v1/widget': {
    get: {
      tags: ['public'],
      summary: 'The widget’s current version, its addresses and its SRI hash',
      description: 'What a site needs to pin this version with Subresource Integrity.',
      responses: { '200': ok('The version.', ref('WidgetInfo')), '503': publicFailure('The widget has not been built on this server.', 'widget_not_built') },
    },
  },
  '/widget/{version}/cluster-label.js': {
    get: {
      tags: ['public'],
      summary: 'One version of the widget, immutable',
      parameters: [{ name: 'version', in: 'path', required: true, schema: text }],
      responses: {
        '200': { description: 'One self-contained ES module.', content: { 'text/javascript': { schema: text } } },
        '304': { description: 'Not modified.' },
        '404': publicFailure('This server does not have that version.', 'widget_version_not_found'),
        '503': publicFailure('The widget has not been built on this server.', 'widget_not_built'),
      },
    },
  },
  '/widget/{version}/locales/{file}': {
    get: {
      tags: ['public'],
      summary: 'The widget’s words in one language it does not carry, immutable',
      description: 'The badge fetches it beside the token for a language other than English and German (`pl.json`).',
      parameters: [
        { name: 'version', in: 'path', required: true, schema: text },
        { name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]{2}\\.json$' } },
      ],
      responses: {
        '200': ok('The language’s words for the badge and its dialog.', { type: 'object' }),
        '304': { description: 'Not modified.' },
        '404': publicFailure('This server does not have that version or that language.', 'widget_version_not_found', 'widget_language_not_found'),
        '503': publicFailure('The widget has not been built on this server.', 'widget_not_built'),
      },
    },
  },
  '/': {
    get: { tags: ['register'], summary: 'The issuer’s home: the register', responses: { '302': redirect('To /clusters.') } },
  },
  '/clusters': {
    get: {
      tags: ['register'],
      summary: 'The public register (HTML)',
      parameters: [...registerFilters, integerQuery('page', 'Page number.', 1, 1_000_000, 1), languageSwitch],
      responses: { '200': html('The register page.'), '303': languageSwitched, '400': html('A filter is out of range.') },
    },
  },
  '/clusters/{id}': {
    get: {
      tags: ['register'],
      summary: 'The issuer’s verification page for a cluster (HTML)',
      parameters: [clusterId, languageSwitch],
      responses: { '200': html('The cluster’s page.'), '303': languageSwitched, '404': html('No cluster has this id.') },
    },
  },
  '/clusters/{id}/website': {
    get: {
      tags: ['register'],
      summary: 'For the cluster’s webmaster: the badge snippets (script, iframe, image) and why a badge may say “not this site” (HTML)',
      parameters: [clusterId, languageSwitch],
      responses: { '200': html('The page.'), '303': languageSwitched, '404': html('No cluster has this id.') },
    },
  },
  '/embed/{id}': {
    get: {
      tags: ['public'],
      summary: 'The badge as a page for an iframe, for sites that cannot run scripts; `frame-ancestors` lists only the cluster’s registered sites',
      parameters: [
        clusterId,
        { name: 'size', in: 'query', required: false, schema: { type: 'string', enum: ['card', 'pill', 'seal'], default: 'card' } },
        { name: 'theme', in: 'query', required: false, schema: { type: 'string', enum: ['auto', 'light', 'dark'], default: 'auto' } },
        { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: [...LANGUAGES], default: 'en' } },
      ],
      responses: { '200': html('The badge page.'), '400': html('An option has a value it cannot take.'), '404': html('No cluster has this id.') },
    },
  },
};

// ── credentials: status lists, verifiable credentials, verification (docs/credentials.md) ──

const token = (mediaType: string, description: string) => ({ description, content: { [mediaType]: { schema: text } } });
const verifyInput = { ...json(object({ credential: text }), { credential: 'eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCIsImtpZCI6Ii4uLiJ9.…' }), 'text/plain': { schema: text } };
const check = object({ ok: { type: ['boolean', 'null'], description: 'Passed, failed, or not checked (null).' }, text: { type: 'string', description: 'The check in plain words.' } });


export const CREDENTIAL_PATHS = {
  '/v1/status-lists': {
    get: {
      tags: ['public'],
      summary: 'Status List Aggregation: the address of every status list',
      description: 'For relying parties that keep every list (offline verification). CORS `*`.',
      responses: { '200': ok('`status_lists`: the URIs.', object({ status_lists: { type: 'array', items: text } })) },
    },
  },
  '/v1/status-lists/{list}': {
    get: {
      tags: ['public'],
      summary: 'A status list token (draft-ietf-oauth-status-list)',
      description: 'A JWT (`typ: statuslist+jwt`, ES256): `status_list` {bits: 1, lst, aggregation_uri}, `sub`, `iat`, `exp`, `ttl`. Entry 0x00 valid, 0x01 invalid. CORS `*`.',
      parameters: [{ name: 'list', in: 'path', required: true, schema: { type: 'string', pattern: '^[1-9][0-9]*$' } }],
      responses: { '200': token('application/statuslist+jwt', 'The signed list.'), '404': publicFailure('No such list.', 'status_list_not_found') },
    },
  },
  '/v1/clusters/{id}/credentials': {
    get: {
      tags: ['public'],
      summary: 'The cluster’s current verifiable credentials',
      description: 'The held label as an Open Badges 3.0 credential (VC-JOSE-COSE) and as an SD-JWT VC. CORS `*`.',
      parameters: [clusterId],
      responses: { '200': ok('The credentials.', ref('ClusterCredentials')), '404': publicFailure('No cluster has this id.', 'cluster_not_found') },
    },
  },
  '/v1/clusters/{id}/credentials/{format}': {
    get: {
      tags: ['public'],
      summary: 'One current credential, as a file',
      parameters: [clusterId, { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['vc-jwt', 'sd-jwt-vc'] } }],
      responses: {
        '200': { description: 'The compact credential.', content: { 'application/vc+jwt': { schema: text }, 'application/dc+sd-jwt': { schema: text } } },
        '404': publicFailure('No such cluster or format, or no valid label.', 'cluster_not_found', 'credential_format_not_found', 'credential_not_found'),
      },
    },
  },
  '/v1/issuer': { get: { tags: ['public'], summary: 'The issuer’s Open Badges 3.0 Profile', responses: { '200': ok('The profile.', { type: 'object' }) } } },
  '/v1/issuer/achievements/{level}': {
    get: {
      tags: ['public'],
      summary: 'A level as an Open Badges 3.0 Achievement, with its criteria',
      parameters: [{ name: 'level', in: 'path', required: true, schema: { type: 'string', enum: [...LEVELS] } }],
      responses: { '200': ok('The achievement.', { type: 'object' }), '404': publicFailure('No such level.', 'achievement_not_found') },
    },
  },
  '/v1/credential-types/label': { get: { tags: ['public'], summary: 'SD-JWT VC Type Metadata of the label’s `vct`', responses: { '200': ok('The type metadata.', { type: 'object' }) } } },
  '/.well-known/jwt-vc-issuer': { get: { tags: ['public'], summary: 'SD-JWT VC issuer metadata: where the keys are', responses: { '200': ok('`issuer` and `jwks_uri`.', object({ issuer: text, jwks_uri: text })) } } },
  '/v1/verify': {
    post: {
      tags: ['public'],
      summary: 'Verify a credential, attestation or status list token of this issuer',
      description: 'Signature, issuer, validity and status today, in plain words. A token that fails a check is a 200 report with that check’s code.',
      requestBody: { required: true, content: verifyInput },
      responses: {
        '200': ok('The report.', ref('VerifyReport')),
        '400': failure('Not a token this issuer signs.', 'input_empty', 'input_unreadable', 'input_too_large', 'token_type_unsupported', 'body_invalid'),
        '413': failure('The body is too large.', 'payload_too_large'),
        '415': failure('Neither JSON nor a token media type.', 'unsupported_media_type'),
      },
    },
  },
  '/verify': {
    get: { tags: ['register'], summary: 'The verification page (HTML)', responses: { '200': html('A form to paste or upload a token.') } },
    post: {
      tags: ['register'],
      summary: 'Verify from the page (multipart form: `credential` or `file`)',
      responses: { '200': html('The verdict in plain words.'), '400': html('Not a token this issuer signs.'), '413': html('The body is too large.') },
    },
  },
};
