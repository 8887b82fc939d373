import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { isIsoDate } from '../../server/domain/dates.ts';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

type Schema = Record<string, unknown>;
interface Operation {
  'x-role'?: 'viewer' | 'officer' | 'admin';
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface Document {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** The keywords the validator below understands; the document may use no others. */
const KEYWORDS = new Set(['$ref', 'anyOf', 'type', 'enum', 'pattern', 'format', 'properties', 'required', 'additionalProperties', 'items', 'description', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'maxItems']);

function keywordsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return found;
  const record = schema as Schema;
  for (const key of Object.keys(record)) found.add(key);
  for (const child of Object.values((record.properties as Record<string, Schema>) ?? {})) keywordsIn(child, found);
  for (const child of (record.anyOf as Schema[]) ?? []) keywordsIn(child, found);
  if (record.items) keywordsIn(record.items, found);
  return found;
}

const isType = (type: string, value: unknown): boolean =>
  type === 'null' ? value === null
  : type === 'integer' ? Number.isInteger(value)
  : type === 'array' ? Array.isArray(value)
  : type === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
  : typeof value === type;

/** The problems of `value` against `schema`: a small JSON Schema subset, enough for this document. */
function problems(doc: Document, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return problems(doc, doc.components.schemas[(schema.$ref as string).split('/').pop()!]!, value, at);
  if (schema.anyOf) return (schema.anyOf as Schema[]).some((s) => problems(doc, s, value, at).length === 0) ? [] : [`${at}: matches no alternative`];
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    if (!types.some((type) => isType(type, value))) return [`${at}: ${JSON.stringify(value)?.slice(0, 60)} is not ${types.join(' or ')}`];
  }
  const found: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) found.push(`${at}: ${String(value)} is not one of ${String(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string).test(value)) found.push(`${at}: does not match ${schema.pattern as string}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) found.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) found.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.format === 'date' && !isIsoDate(value)) found.push(`${at}: ${value} is not a date`);
    if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) found.push(`${at}: ${value} is not a UTC date-time`);
  }
  if (Array.isArray(value) && typeof schema.maxItems === 'number' && value.length > schema.maxItems) found.push(`${at}: more than ${schema.maxItems} items`);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => found.push(...problems(doc, schema.items as Schema, item, `${at}[${i}]`)));
  if (isType('object', value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties as Record<string, Schema>) ?? {};
    for (const key of (schema.required as string[]) ?? []) if (!(key in record)) found.push(`${at}.${key}: missing`);
    for (const [key, child] of Object.entries(record)) {
      if (properties[key]) found.push(...problems(doc, properties[key], child, `${at}.${key}`));
      else if (schema.additionalProperties === false) found.push(`${at}.${key}: not in the schema`);
    }
  }
  return found;
}

describeEachDialect('OpenAPI document', (dialect) => {
  let server: TestServer;
  let doc: Document;
  const secrets = { viewer: '', officer: '', admin: '' };

  beforeEach(async () => {
    server = await startTestServer(dialect, { now: testClock('2026-06-15T10:00:00Z').now });
    const tokens = new ApiTokens(server.database, server.keyring, server.now);
    for (const role of ['viewer', 'officer', 'admin'] as const) secrets[role] = (await tokens.create(role, role, 'test')).secret;
    doc = (await (await server.app.request('/openapi.json')).json()) as Document;
  });
  afterEach(() => server.cleanup());

  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, operation })));

  /** Sends a request and holds its answer to the document: a documented status, and a body of the documented schema and codes. */
  async function conforms(method: string, template: string, options: { path?: string; as?: keyof typeof secrets; body?: string; headers?: Record<string, string> } = {}) {
    const operation = doc.paths[template]?.[method.toLowerCase()];
    expect(operation, `${method} ${template} is documented`).toBeDefined();
    const headers: Record<string, string> = { ...(options.as ? { Authorization: `Bearer ${secrets[options.as]}` } : {}), ...(options.body ? { 'Content-Type': 'application/json' } : {}), ...options.headers };
    const response = await server.app.request(options.path ?? template, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    const documented = operation!.responses[String(response.status)];
    const text = await response.text();
    expect(documented, `${method} ${template} documents ${response.status}: ${text.slice(0, 200)}`).toBeDefined();
    const mediaType = response.headers.get('content-type')?.split(';')[0];
    if (documented!.content) {
      expect(Object.keys(documented!.content)).toContain(mediaType);
      const schema = documented!.content[mediaType!]!.schema;
      if (mediaType === 'application/json') {
        const body = JSON.parse(text) as { error?: { code: string } };
        expect(problems(doc, schema, body), `${method} ${template} ${response.status}`).toEqual([]);
        if (body.error) expect(documented!.description).toContain(`\`${body.error.code}\``);
      }
    }
    return { status: response.status, body: mediaType === 'application/json' ? (JSON.parse(text) as Record<string, unknown>) : text };
  }

  const example = (method: string, template: string) => JSON.stringify(doc.paths[template]![method]!.requestBody!.content['application/json']!.example);

  it('is OpenAPI 3.1 for this issuer, using only schema keywords its test understands', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://issuer.test' }]);
    const used = new Set<string>();
    for (const schema of Object.values(doc.components.schemas)) keywordsIn(schema, used);
    for (const { operation } of operations()) {
      for (const content of [...Object.values(operation.responses), operation.requestBody].flatMap((r) => Object.values(r?.content ?? {}))) keywordsIn(content.schema, used);
    }
    expect([...used].filter((k) => !KEYWORDS.has(k))).toEqual([]);
  });

  it('describes every route the app registers, and registers every route it describes', () => {
    const registered = new Set(
      server.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`),
    );
    const described = new Set(operations().map((o) => o.key));
    expect([...registered].filter((key) => !described.has(key))).toEqual([]);
    expect([...described].filter((key) => !registered.has(key))).toEqual([]);
  });

  it('enforces the role each admin operation names', async () => {
    const below = { officer: 'viewer', admin: 'officer' } as const;
    const admin = operations().filter((o) => o.path.startsWith('/v1/admin/'));
    expect(admin).toHaveLength(18);
    for (const { path, method, operation } of admin) {
      const concrete = path.replace('{id}', 'alpha').replace('{kid}', 'some-kid');
      const anonymous = await server.app.request(concrete, { method: method.toUpperCase() });
      expect(anonymous.status, `${method} ${path} without a token`).toBe(401);
      const role = operation['x-role']!;
      if (role === 'viewer') continue;
      const low = await server.app.request(concrete, { method: method.toUpperCase(), headers: { Authorization: `Bearer ${secrets[below[role]]}` } });
      expect(low.status, `${method} ${path} as ${below[role]}`).toBe(403);
    }
  });

  it('accepts its example requests and answers them as documented', async () => {
    const { id } = JSON.parse(example('post', '/v1/admin/clusters')) as { id: string };
    const at = (template: string) => template.replace('{id}', id);
    const send = (method: string, template: string, as: keyof typeof secrets, withExample = true) =>
      conforms(method, template, { path: at(template), as, ...(withExample ? { body: example(method.toLowerCase(), template) } : {}) });

    expect((await send('POST', '/v1/admin/clusters', 'officer')).status).toBe(201);
    expect((await send('PATCH', '/v1/admin/clusters/{id}', 'officer')).status).toBe(200);
    expect((await send('POST', '/v1/admin/clusters/{id}/labels/award', 'officer')).status).toBe(201);
    expect((await send('POST', '/v1/admin/clusters/{id}/labels/upgrade', 'officer')).status).toBe(201);
    expect((await send('POST', '/v1/admin/clusters/{id}/labels/renew', 'officer')).status).toBe(200);
    expect((await send('POST', '/v1/admin/clusters/{id}/labels/revoke', 'officer')).status).toBe(200);
    // A revoked label cannot be withdrawn: the refusal is documented too.
    expect((await send('POST', '/v1/admin/clusters/{id}/labels/withdraw', 'officer', false)).status).toBe(409);
    expect((await send('POST', '/v1/admin/keys/rotate', 'admin')).status).toBe(200);

    for (const template of ['/v1/admin/clusters', '/v1/admin/clusters/{id}', '/v1/admin/labels/expiring', '/v1/admin/labels/awaiting-withdrawal', '/v1/admin/audit', '/v1/admin/audit/verify', '/v1/admin/keys']) {
      expect((await send('GET', template, 'viewer', false)).status).toBe(200);
    }
    const scheme = example('put', '/v1/admin/schemes/{id}');
    expect((await conforms('PUT', '/v1/admin/schemes/{id}', { path: '/v1/admin/schemes/kompass', as: 'admin', body: scheme })).status).toBe(201);
    expect((await conforms('PUT', '/v1/admin/schemes/{id}', { path: '/v1/admin/schemes/kompass', as: 'admin', body: scheme })).status).toBe(200);
    expect((await conforms('PUT', '/v1/admin/schemes/{id}', { path: '/v1/admin/schemes/ecei', as: 'admin', body: scheme.replace('"kompass"', '"ecei"') })).status).toBe(409);
    expect((await send('GET', '/v1/admin/schemes', 'viewer', false)).status).toBe(200);
    const kid = server.keyring.currentKid!;
    expect((await conforms('POST', '/v1/admin/keys/{kid}/revoke', { path: `/v1/admin/keys/${kid}/revoke`, as: 'admin' })).status).toBe(200);
  });

  it('documents the refusals the admin API gives', async () => {
    expect((await conforms('GET', '/v1/admin/clusters')).status).toBe(401);
    expect((await conforms('POST', '/v1/admin/clusters', { as: 'viewer', body: '{}' })).status).toBe(403);
    expect((await conforms('POST', '/v1/admin/clusters', { as: 'officer', body: '{"id": "x", "name": ' })).status).toBe(400);
    expect((await conforms('POST', '/v1/admin/clusters', { as: 'officer', body: '{"id": "x"}', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    expect((await conforms('POST', '/v1/admin/clusters', { as: 'officer', body: JSON.stringify({ id: 'x', name: 'y'.repeat(70_000) }) })).status).toBe(413);
    expect((await conforms('GET', '/v1/admin/clusters/{id}', { path: '/v1/admin/clusters/nobody', as: 'viewer' })).status).toBe(404);
    expect((await conforms('POST', '/v1/admin/clusters/{id}/labels/award', { path: '/v1/admin/clusters/nobody/labels/award', as: 'officer', body: '{"level": "tin"}' })).status).toBe(400);
    expect((await conforms('GET', '/v1/admin/audit', { path: '/v1/admin/audit?limit=0', as: 'viewer' })).status).toBe(400);
    expect((await conforms('POST', '/v1/admin/keys/{kid}/revoke', { path: '/v1/admin/keys/unknown/revoke', as: 'admin' })).status).toBe(404);
  });

  it('answers the public routes as documented', async () => {
    expect((await conforms('GET', '/healthz')).status).toBe(200);
    expect((await conforms('GET', '/openapi.json')).status).toBe(200);
    expect((await conforms('GET', '/.well-known/jwks.json')).status).toBe(200);
    expect((await conforms('GET', '/v1/audit/head')).status).toBe(200);
    expect((await conforms('GET', '/v1/schemes')).status).toBe(200);
    expect((await conforms('GET', '/v1/clusters/{id}/attestation', { path: '/v1/clusters/nobody/attestation' })).status).toBe(404);
    await server.registry.createCluster({ id: 'alpha', name: 'Alpha', organisation: '', country: 'DE', portfolio: '', sites: [], contactEmail: null }, 'test');
    expect((await conforms('GET', '/v1/clusters/{id}/attestation', { path: '/v1/clusters/alpha/attestation' })).status).toBe(200);
    expect((await conforms('GET', '/v1/clusters/{id}/badge.svg', { path: '/v1/clusters/alpha/badge.svg' })).status).toBe(200);
    expect((await conforms('GET', '/v1/clusters/{id}/badge.svg', { path: '/v1/clusters/alpha/badge.svg?lang=tlh' })).status).toBe(400);
    expect((await conforms('GET', '/v1/clusters', { path: '/v1/clusters?country=DE' })).status).toBe(200);
    expect((await conforms('GET', '/v1/clusters', { path: '/v1/clusters?level=tin' })).status).toBe(400);
    expect((await conforms('GET', '/v1/clusters.csv')).status).toBe(200);
    expect((await conforms('GET', '/clusters')).status).toBe(200);
    expect((await conforms('GET', '/clusters/{id}', { path: '/clusters/alpha' })).status).toBe(200);
    expect((await conforms('GET', '/clusters/{id}', { path: '/clusters/nobody' })).status).toBe(404);
    expect((await conforms('GET', '/')).status).toBe(302);
    // 200 once the widget is built, 503 before: both are documented.
    expect([200, 503]).toContain((await conforms('GET', '/widget.js')).status);
    expect([200, 503]).toContain((await conforms('GET', '/v1/widget')).status);
    expect((await conforms('GET', '/widget/{version}/cluster-label.js', { path: '/widget/0.0.0-none/cluster-label.js' })).status).toBe(404);
  });

  it('answers the credential routes as documented', async () => {
    await server.registry.createCluster({ id: 'alpha', name: 'Alpha', organisation: '', country: 'DE', portfolio: '', sites: [], contactEmail: null }, 'test');
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-05-01' }, 'test');
    const listed = await conforms('GET', '/v1/clusters/{id}/credentials', { path: '/v1/clusters/alpha/credentials' });
    expect(listed.status).toBe(200);
    expect((await conforms('GET', '/v1/clusters/{id}/credentials/{format}', { path: '/v1/clusters/alpha/credentials/vc-jwt' })).status).toBe(200);
    expect((await conforms('GET', '/v1/clusters/{id}/credentials/{format}', { path: '/v1/clusters/alpha/credentials/pdf' })).status).toBe(404);
    expect((await conforms('GET', '/v1/status-lists')).status).toBe(200);
    expect((await conforms('GET', '/v1/status-lists/{list}', { path: '/v1/status-lists/1' })).status).toBe(200);
    expect((await conforms('GET', '/v1/status-lists/{list}', { path: '/v1/status-lists/9' })).status).toBe(404);
    expect((await conforms('GET', '/v1/issuer')).status).toBe(200);
    expect((await conforms('GET', '/v1/issuer/achievements/{level}', { path: '/v1/issuer/achievements/tin' })).status).toBe(404);
    const credential = (listed.body as { credentials: Array<{ credential: string }> }).credentials[0]!.credential;
    expect((await conforms('POST', '/v1/verify', { body: JSON.stringify({ credential }) })).status).toBe(200);
    expect((await conforms('POST', '/v1/verify', { body: 'not a token', headers: { 'Content-Type': 'text/plain' } })).status).toBe(400);
    expect((await conforms('POST', '/v1/verify', { body: '<x/>', headers: { 'Content-Type': 'application/xml' } })).status).toBe(415);
  });
});
