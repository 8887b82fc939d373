import type { Role } from './auth/roles.ts';
import { LABEL_STATUSES, LEVELS } from './domain/types.ts';
import { MAX_BODY_BYTES } from './routes/admin.ts';

/*
 * The OpenAPI 3.1 document of every HTTP route. tests/server/openapi.test.ts holds
 * it to the app: each route the app registers is described here and each one
 * described here is registered, the roles (`x-role`) are the ones enforced, and the
 * example requests and the answers to them match the schemas.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type as string, 'null'] });
const text: Schema = { type: 'string' };
const date: Schema = { type: 'string', format: 'date' };
const instant: Schema = { type: 'string', format: 'date-time' };
const integer: Schema = { type: 'integer' };

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
const failure = (description: string, ...codes: string[]) => ({ description: `${description} (\`${codes.join('`, `')}\`)`, content: json(ref('Error')) });

const adminFailures = {
  '401': { ...failure('No API token, or one that is not valid or revoked.', 'unauthorized'), headers: { 'WWW-Authenticate': { schema: text } } },
};
const forbidden = { '403': failure('The token’s role is too low.', 'forbidden') };
/** What a request with a JSON body can be refused for, before anything is written. */
const bodyFailures = (...fieldCodes: string[]) => ({
  '400': failure('The body or one of its fields is not acceptable; nothing was changed.', 'malformed_json', 'json_too_deep', 'invalid_body', 'unknown_field', ...fieldCodes),
  '413': failure(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`, 'payload_too_large'),
  '415': failure('The body is not sent as application/json.', 'unsupported_media_type'),
});
const clusterMissing = { '404': failure('No cluster has this id.', 'cluster_not_found') };
const queryFailure = { '400': failure('A query parameter is out of range.', 'invalid_query') };

const clusterId = { name: 'id', in: 'path', required: true, description: 'The cluster id, a lowercase slug.', schema: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' } };
const integerQuery = (name: string, description: string, minimum: number, maximum: number, fallback?: number) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'integer', minimum, maximum, ...(fallback === undefined ? {} : { default: fallback }) },
});

/** An operation of the admin API: bearer token, `x-role`, and the failures every one of them shares. */
function admin(role: Role, operation: { summary: string; responses: Record<string, unknown>; [key: string]: unknown }) {
  const { responses, ...rest } = operation;
  return {
    tags: ['admin'],
    security: [{ bearerToken: [] }],
    'x-role': role,
    ...rest,
    description: `${operation.description ? `${operation.description as string} ` : ''}Needs the \`${role}\` role or a higher one.`,
    responses: { ...responses, ...adminFailures, ...(role === 'viewer' ? {} : forbidden) },
  };
}

function labelAction(summary: string, description: string, status: '200' | '201', fieldCodes: string[], conflicts: string[], body?: { schema: string; example: unknown; required: boolean }) {
  return {
    post: admin('officer', {
      summary,
      description,
      parameters: [clusterId],
      ...(body ? { requestBody: { required: body.required, content: json(ref(body.schema), body.example) } } : {}),
      responses: {
        [status]: ok('The cluster’s label after the change.', ref('Label')),
        ...bodyFailures(...fieldCodes),
        ...clusterMissing,
        '409': failure('The label’s life does not allow this change now; nothing was changed.', ...conflicts),
      },
    }),
  };
}

const exampleCluster = {
  id: 'nordlicht-photonics',
  name: 'Nordlicht Photonics Cluster',
  organisation: 'Nordlicht Photonics e.V.',
  country: 'DE',
  portfolio: 'Photonics and optical technologies',
  sites: ['https://www.nordlicht-photonics.example'],
  contactEmail: 'office@nordlicht-photonics.example',
};

const clusterProperties: Record<string, Schema> = {
  id: text,
  name: text,
  organisation: text,
  country: text,
  portfolio: text,
  sites: { type: 'array', items: text },
  contactEmail: nullable(text),
  createdAt: instant,
  updatedAt: instant,
  label: { anyOf: [ref('Label'), { type: 'null' }], description: 'The current label (the newest), or null.' },
};

const schemas: Record<string, Schema> = {
  Error: object({ error: object({ code: { type: 'string', pattern: '^[a-z0-9_]+$' }, message: text }) }),
  Health: object({ status: { type: 'string', enum: ['ok'] }, database: { type: 'string', enum: ['sqlite', 'postgres'] }, signingKey: nullable(text) }),
  Unhealthy: object({ status: { type: 'string', enum: ['unavailable'] }, error: object({ code: text, message: text }) }),
  Jwks: object({
    keys: {
      type: 'array',
      items: object({ kty: { type: 'string', enum: ['EC'] }, crv: { type: 'string', enum: ['P-256'] }, x: text, y: text, kid: text, alg: { type: 'string', enum: ['ES256'] }, use: { type: 'string', enum: ['sig'] } }),
    },
  }),
  WidgetInfo: object({
    version: text,
    evergreen: { type: 'string', description: 'The address that follows releases within the major version.' },
    pinned: { type: 'string', description: 'This version’s immutable address.' },
    integrity: { type: 'string', description: 'The SRI hash (sha384-…) of the pinned file.' },
  }),
  AuditHead: object({ seq: integer, at: instant, hash: text, signature: { type: 'string', description: 'Compact JWS (ES256, typ audit-head+jwt) of {seq, hash, at, iss, iat}.' } }),
  ClusterInput: object(
    {
      id: { type: 'string', description: 'Lowercase slug; cannot be changed later.' },
      name: text,
      organisation: text,
      country: { type: 'string', description: 'ISO 3166 two-letter code.' },
      portfolio: text,
      sites: { type: 'array', items: { type: 'string', description: 'An origin: https://www.example.org' }, description: 'The exact origins where the badge may be shown.' },
      contactEmail: nullable(text),
    },
    ['organisation', 'portfolio', 'sites', 'contactEmail'],
  ),
  ClusterPatch: object(
    { name: text, organisation: text, country: text, portfolio: text, sites: { type: 'array', items: text }, contactEmail: nullable(text) },
    ['name', 'organisation', 'country', 'portfolio', 'sites', 'contactEmail'],
  ),
  Label: object({
    id: integer,
    clusterId: text,
    level: { type: 'string', enum: [...LEVELS] },
    awarded: date,
    validUntil: date,
    status: { type: 'string', enum: [...LABEL_STATUSES], description: 'As of now: a valid label past its last day reads expired.' },
    assessmentRef: nullable(text),
    revokedAt: nullable(instant),
    publicReason: nullable(text),
    internalNote: nullable(text),
    changedAt: instant,
  }),
  Cluster: object(clusterProperties),
  ClusterDetail: object({ ...clusterProperties, labels: { type: 'array', items: ref('Label'), description: 'The whole label history, oldest first.' } }),
  ClusterPage: object({ items: { type: 'array', items: ref('Cluster') }, total: integer, page: integer, pageSize: integer }),
  AwardInput: object({ level: { type: 'string', enum: [...LEVELS] }, awarded: date, validUntil: date, assessmentRef: text }, ['awarded', 'validUntil', 'assessmentRef']),
  RenewalInput: object({ validUntil: date, assessmentRef: text }, ['validUntil', 'assessmentRef']),
  RevocationInput: object({ reason: { type: 'string', description: 'Public: it appears in the signed statement.' }, note: { type: 'string', description: 'Internal: never published.' } }, ['note']),
  ClusterRef: object({ id: text, name: text }),
  ExpiringLabels: object({ days: integer, items: { type: 'array', items: object({ cluster: ref('ClusterRef'), label: ref('Label') }) } }),
  AwaitingWithdrawal: object({ items: { type: 'array', items: object({ cluster: ref('ClusterRef'), label: ref('Label'), graceEnded: date }) } }),
  AuditEntry: object({
    seq: integer,
    at: instant,
    actor: { type: 'string', description: 'token:<name>, cli:<user>, user:<id>, system or seed.' },
    action: text,
    subject: text,
    before: { description: 'The state before the change (personal data only by reference), or null.' },
    after: { description: 'The state after the change, or null.' },
    hash: text,
    prevHash: text,
    signature: text,
  }),
  AuditPage: object({ items: { type: 'array', items: ref('AuditEntry') }, nextBefore: { ...nullable(integer), description: 'Pass as `before` for the next (older) page; null on the last one.' } }),
  ChainReport: object(
    {
      ok: { type: 'boolean' },
      entries: { type: 'integer', description: 'Entries checked.' },
      brokenAt: object({ seq: integer, reason: text }),
      head: { anyOf: [ref('AuditHead'), { type: 'null' }] },
    },
    ['brokenAt'],
  ),
  KeyInfo: object({
    kid: text,
    state: { type: 'string', enum: ['next', 'current', 'retired', 'revoked'] },
    createdAt: instant,
    activatedAt: nullable(instant),
    retiredAt: nullable(instant),
    revokedAt: nullable(instant),
  }),
  KeyList: object({ signingKid: nullable(text), keys: { type: 'array', items: ref('KeyInfo') } }),
  RotationInput: object({ force: { type: 'boolean', description: 'Activate the next key before every cached key set can have it.' } }, ['force']),
  Rotation: object({ step: { type: 'string', enum: ['published', 'activated'] }, kid: text, activateAfter: instant }, ['activateAfter']),
  KeyRevocation: object({ revoked: text, signingKid: text }),
  LabelClaim: object(
    {
      status: { type: 'string', enum: ['valid', 'expired', 'revoked', 'none'], description: 'As a token states it: a withdrawn label reads expired.' },
      level: { type: 'string', enum: [...LEVELS] },
      awarded: date,
      validUntil: date,
      revokedAt: instant,
      reason: { type: 'string', description: 'The public reason of a revocation.' },
    },
    ['level', 'awarded', 'validUntil', 'revokedAt', 'reason'],
  ),
  RegisterPage: object({
    items: {
      type: 'array',
      items: object({ id: text, name: text, organisation: text, country: text, portfolio: text, sites: { type: 'array', items: text }, label: ref('LabelClaim'), url: { type: 'string', description: 'The cluster’s verification page.' } }),
    },
    total: integer,
    page: { ...integer, description: 'The page number asked for; absent on a page reached by `after`.' },
    pageSize: integer,
    next: { ...nullable(text), description: 'The address of the next page (with `after`); null on the last page.' },
  }, ['page']),
};

const publicFailure = (description: string, ...codes: string[]) => ({ ...failure(description, ...codes), headers: { 'Access-Control-Allow-Origin': { schema: { type: 'string', enum: ['*'] } } } });
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
const languageSwitch = { name: 'lang', in: 'query', required: false, description: 'Remembers the language in a cookie and redirects to the address without it.', schema: { type: 'string', enum: ['en', 'de'] } };
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

const consolePaths = {
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
      ...consoleRoute('viewer', 'The register as CSV, streamed, with the cluster list’s filters', 'page', registerFilters.filter((p) => ['q', 'country', 'level', 'status'].includes(p.name))),
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

const paths = {
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
      parameters: [clusterId, { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['en', 'de'], default: 'en' } }],
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
      parameters: [clusterId, { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['en', 'de'], default: 'en' } }],
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
        { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['en', 'de'], default: 'en' } },
      ],
      responses: { '200': html('The badge page.'), '400': html('An option has a value it cannot take.'), '404': html('No cluster has this id.') },
    },
  },

  '/v1/admin/clusters': {
    get: admin('viewer', {
      summary: 'List clusters with their current label',
      parameters: [integerQuery('page', 'Page number.', 1, 1_000_000, 1), integerQuery('pageSize', 'Clusters a page, in id order.', 1, 200, 50)],
      responses: { '200': ok('One page of clusters.', ref('ClusterPage')), ...queryFailure },
    }),
    post: admin('officer', {
      summary: 'Register a cluster',
      requestBody: { required: true, content: json(ref('ClusterInput'), exampleCluster) },
      responses: {
        '201': { ...ok('The new cluster.', ref('Cluster')), headers: { Location: { schema: text } } },
        ...bodyFailures('missing_field', 'invalid_field', 'invalid_cluster_id', 'invalid_country', 'invalid_origin', 'invalid_email'),
        '409': failure('A cluster with this id is registered.', 'cluster_exists'),
      },
    }),
  },
  '/v1/admin/clusters/{id}': {
    get: admin('viewer', {
      summary: 'A cluster with its whole label history',
      parameters: [clusterId],
      responses: { '200': ok('The cluster.', ref('ClusterDetail')), ...clusterMissing },
    }),
    patch: admin('officer', {
      summary: 'Change a cluster’s name, organisation, country, portfolio, websites or contact',
      description: 'Absent fields stay as they are; `contactEmail: null` erases the contact.',
      parameters: [clusterId],
      requestBody: { required: true, content: json(ref('ClusterPatch'), { sites: ['https://www.nordlicht-photonics.example', 'https://nordlicht-photonics.example'] }) },
      responses: {
        '200': ok('The cluster after the change.', ref('Cluster')),
        ...bodyFailures('missing_field', 'invalid_field', 'immutable_field', 'nothing_to_change', 'invalid_country', 'invalid_origin', 'invalid_email'),
        ...clusterMissing,
      },
    }),
  },
  '/v1/admin/clusters/{id}/labels/award': labelAction(
    'Award a label',
    'A first label, or a new one after an expired, withdrawn or revoked label. Without `validUntil`, the label is valid to the end of the month its level’s period after the assessment.',
    '201',
    ['missing_field', 'invalid_field', 'unknown_level', 'invalid_date', 'awarded_in_future', 'valid_until_before_awarded'],
    ['label_already_held'],
    { schema: 'AwardInput', example: { level: 'bronze', awarded: '2026-03-02', assessmentRef: 'ESCA-2026-0142' }, required: true },
  ),
  '/v1/admin/clusters/{id}/labels/upgrade': labelAction(
    'Upgrade to a higher level',
    'The new label replaces the current valid one, which stays in the history as superseded.',
    '201',
    ['missing_field', 'invalid_field', 'unknown_level', 'invalid_date', 'awarded_in_future', 'valid_until_before_awarded'],
    ['no_current_label', 'label_not_valid', 'not_an_upgrade'],
    { schema: 'AwardInput', example: { level: 'silver', awarded: '2026-06-01', assessmentRef: 'ESCA-2026-0377' }, required: true },
  ),
  '/v1/admin/clusters/{id}/labels/renew': labelAction(
    'Renew the current label',
    'Before expiry or within the grace year after it; extends from the previous end, not from today.',
    '200',
    ['invalid_field', 'invalid_date', 'valid_until_not_later'],
    ['no_current_label', 'label_not_renewable', 'grace_period_over'],
    { schema: 'RenewalInput', example: { assessmentRef: 'ESCA-2028-0051' }, required: false },
  ),
  '/v1/admin/clusters/{id}/labels/revoke': labelAction(
    'Revoke the current label early, for cause',
    'The public reason appears in the signed statement; the note stays internal.',
    '200',
    ['missing_field', 'invalid_field'],
    ['no_current_label', 'label_already_revoked', 'label_already_withdrawn'],
    { schema: 'RevocationInput', example: { reason: 'The benchmarking evidence was found to be incomplete.', note: 'Case 2026-17, decided by the board on 12 June.' }, required: true },
  ),
  '/v1/admin/clusters/{id}/labels/withdraw': labelAction(
    'Withdraw an expired label formally',
    'For a label whose grace year has passed (see awaiting-withdrawal). The request has no body.',
    '200',
    [],
    ['no_current_label', 'label_not_expired', 'label_already_revoked', 'label_already_withdrawn', 'label_already_superseded'],
  ),
  '/v1/admin/labels/expiring': {
    get: admin('viewer', {
      summary: 'Valid labels whose last day falls within the next N days',
      parameters: [integerQuery('days', 'The window, in days.', 0, 3660, 30)],
      responses: { '200': ok('Soonest first.', ref('ExpiringLabels')), ...queryFailure },
    }),
  },
  '/v1/admin/labels/awaiting-withdrawal': {
    get: admin('viewer', {
      summary: 'Expired labels past their grace year, waiting to be withdrawn',
      responses: { '200': ok('Oldest first.', ref('AwaitingWithdrawal')) },
    }),
  },
  '/v1/admin/audit': {
    get: admin('viewer', {
      summary: 'The audit log, newest first',
      parameters: [
        { name: 'subject', in: 'query', required: false, description: 'Only entries about this subject (a cluster id, key:<kid>, token:<name>).', schema: text },
        { name: 'action', in: 'query', required: false, description: 'Only entries of this action (cluster.create, label.award, …).', schema: text },
        integerQuery('before', 'Only entries with a lower sequence number: the `nextBefore` of the previous page.', 1, Number.MAX_SAFE_INTEGER),
        integerQuery('limit', 'Entries a page.', 1, 200, 50),
      ],
      responses: { '200': ok('One page of entries.', ref('AuditPage')), ...queryFailure },
    }),
  },
  '/v1/admin/audit/verify': {
    get: admin('viewer', {
      summary: 'Verify the whole audit chain',
      description: 'Recomputes every hash and checks every signature; names the first entry that does not hold.',
      responses: { '200': ok('The result, intact or not.', ref('ChainReport')) },
    }),
  },
  '/v1/admin/keys': {
    get: admin('viewer', { summary: 'The signing keys and their states', responses: { '200': ok('Every key, oldest first.', ref('KeyList')) } }),
  },
  '/v1/admin/keys/rotate': {
    post: admin('admin', {
      summary: 'Rotate the signing key, in two steps',
      description: 'The first call publishes a next key; a second call, once every cached key set has it (`activateAfter`), makes it the signing key. `force` skips the wait.',
      requestBody: { required: false, content: json(ref('RotationInput'), { force: false }) },
      responses: {
        '200': ok('What this step did.', ref('Rotation')),
        ...bodyFailures(),
        '409': failure('The next key was published too recently to sign.', 'next_key_too_new'),
      },
    }),
  },
  '/v1/admin/keys/{kid}/revoke': {
    post: admin('admin', {
      summary: 'Revoke a compromised key at once',
      description: 'The key leaves the key set immediately, tokens it signed are no longer served, and another key signs from now on. The request has no body.',
      parameters: [{ name: 'kid', in: 'path', required: true, schema: text }],
      responses: {
        '200': ok('The revoked key and the one that signs now.', ref('KeyRevocation')),
        ...bodyFailures(),
        '404': failure('No key has this id.', 'key_not_found'),
        '409': failure('The key is already revoked.', 'key_already_revoked'),
      },
    }),
  },
};

// ── credentials: status lists, verifiable credentials, verification (docs/credentials.md) ──

const token = (mediaType: string, description: string) => ({ description, content: { [mediaType]: { schema: text } } });
const verifyInput = { ...json(object({ credential: text }), { credential: 'eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCIsImtpZCI6Ii4uLiJ9.…' }), 'text/plain': { schema: text } };
const check = object({ ok: { type: ['boolean', 'null'], description: 'Passed, failed, or not checked (null).' }, text: { type: 'string', description: 'The check in plain words.' } });

const credentialSchemas: Record<string, Schema> = {
  ClusterCredentials: object({
    cluster: text,
    credentials: {
      type: 'array',
      description: 'Empty unless the cluster holds a valid label.',
      items: object({
        format: { type: 'string', enum: ['vc+jwt', 'dc+sd-jwt'] },
        mediaType: { type: 'string', enum: ['application/vc+jwt', 'application/dc+sd-jwt'] },
        name: text,
        expiresAt: instant,
        download: { type: 'string', description: 'The same credential as a file.' },
        credential: { type: 'string', description: 'The compact form.' },
      }),
    },
  }),
  VerifyReport: object({
    format: { type: 'string', enum: ['vc+jwt', 'dc+sd-jwt', 'cluster-label+jwt', 'statuslist+jwt'] },
    kind: text,
    code: { type: 'string', pattern: '^[a-z0-9_]+$', description: '`valid`, or the first problem found.' },
    verdict: { type: 'string', enum: ['valid', 'not_valid'] },
    summary: text,
    signature: check,
    issuer: check,
    validity: check,
    status: check,
    claims: { anyOf: [{ type: 'object' }, { type: 'null' }], description: 'What the token says, once its signature verified.' },
  }),
};

const credentialPaths = {
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

/** The document, for the issuer at `serverUrl` (its PUBLIC_URL). */
export function openApiDocument(serverUrl: string, version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'cluster-label issuer',
      version,
      description: 'Signed, verifiable quality labels for cluster websites. Errors from /v1/… are JSON: {"error": {"code", "message"}}.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'public', description: 'What cluster websites and verifiers fetch; CORS `*`.' },
      { name: 'register', description: 'The public register.' },
      { name: 'admin', description: 'The admin API: `Authorization: Bearer <token>` (docs/api.md).' },
      { name: 'console', description: 'The programme office’s console: HTML pages and forms for a signed-in account.' },
      { name: 'operations', description: 'For operators.' },
    ],
    paths: { ...paths, ...consolePaths, ...credentialPaths },
    components: {
      schemas: { ...schemas, ...credentialSchemas },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from `npm run admin -- tokens create`.' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'cl_session', description: 'The console’s session cookie (`__Host-cl_session` behind HTTPS), set by signing in.' },
      },
    },
  };
}
