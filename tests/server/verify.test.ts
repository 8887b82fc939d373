import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

interface Report {
  format: string;
  verdict: string;
  code: string;
  summary: string;
  signature: { ok: boolean | null; text: string };
  status: { ok: boolean | null; text: string };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>;
/** The token with its payload changed and its signature kept. */
const altered = (token: string, change: (payload: Record<string, unknown>) => void) => {
  const [h, , s] = token.split('.');
  const payload = part(token, 1);
  change(payload);
  return `${h}.${b64(payload)}.${s}`;
};

describeEachDialect('POST /v1/verify and the verification page', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha', { name: 'Alpha Cluster' });
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
  });
  afterEach(() => server.cleanup());

  const post = (body: string, type = 'text/plain') => server.app.request('/v1/verify', { method: 'POST', headers: { 'Content-Type': type }, body });
  async function verify(token: string): Promise<Report> {
    const response = await post(token);
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  }
  async function credential(format: 'vc+jwt' | 'dc+sd-jwt') {
    const body = (await (await server.app.request('/v1/clusters/alpha/credentials')).json()) as { credentials: Array<{ format: string; credential: string }> };
    return body.credentials.find((c) => c.format === format)!.credential;
  }
  const statusList = async () => (await server.app.request('/v1/status-lists/1')).text();

  it('says a genuine credential of either format is valid, in words', async () => {
    for (const format of ['vc+jwt', 'dc+sd-jwt'] as const) {
      const report = await verify(await credential(format));
      expect(report).toMatchObject({ format, verdict: 'valid', code: 'valid', signature: { ok: true }, status: { ok: true } });
      expect(report.summary).toMatch(/genuine and in force/);
    }
    const json = await post(JSON.stringify({ credential: await credential('vc+jwt') }), 'application/json');
    expect(((await json.json()) as Report).code).toBe('valid');
  });

  it('refuses tampered credentials: changed claims, a foreign signature, a swapped header', async () => {
    const vc = await credential('vc+jwt');
    expect((await verify(altered(vc, (p) => void ((p.credentialSubject as { name: string }).name = 'Someone Else')))).code).toBe('signature_invalid');
    expect((await verify(altered(vc, (p) => void (p.exp = 4_000_000_000)))).code).toBe('signature_invalid');
    const sd = await credential('dc+sd-jwt');
    expect((await verify(`${altered(sd.slice(0, -1), (p) => void ((p.label as { level: string }).level = 'gold'))}~`)).code).toBe('signature_invalid');
    expect((await verify(`${sd}WyJzYWx0IiwibmFtZSIsIngiXQ~`)).code).toBe('token_form_unexpected');
    expect((await verify(sd.slice(0, -1))).code).toBe('token_form_unexpected');
    // The same signature bytes spelt differently: the last character's spare bits changed.
    const last = vc.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[(alphabet.indexOf(last) & ~0b1111) | ((alphabet.indexOf(last) + 1) & 0b1111)]!;
    expect(Buffer.from(`${vc.slice(0, -1)}${twin}`.split('.')[2]!, 'base64url')).toEqual(Buffer.from(vc.split('.')[2]!, 'base64url'));
    expect((await verify(`${vc.slice(0, -1)}${twin}`)).code).toBe('token_form_unexpected');
    const [, payload, signature] = vc.split('.');
    expect((await verify(`${b64({ alg: 'none', typ: 'vc+jwt' })}.${payload}.`)).code).toBe('algorithm_not_allowed');
    expect((await verify(`${b64({ alg: 'ES256', typ: 'vc+jwt', kid: 'x', jwk: { kty: 'EC' } })}.${payload}.${signature}`)).code).toBe('header_not_allowed');
    expect((await verify(`${b64({ alg: 'ES256', typ: 'vc+jwt', kid: 'someone-else' })}.${payload}.${signature}`)).code).toBe('key_unknown');
  });

  it('says a revoked label’s credential no longer stands', async () => {
    const vc = await credential('vc+jwt');
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: 'internal' }, 'test');
    const report = await verify(vc);
    expect(report).toMatchObject({ verdict: 'not_valid', code: 'status_invalid', signature: { ok: true }, status: { ok: false } });
    expect(report.summary).toMatch(/withdrawn it/);
    expect(JSON.stringify(report)).not.toContain('internal');
  });

  it('says when a credential has expired', async () => {
    const vc = await credential('vc+jwt');
    clock.set('2028-04-01T00:01:01Z');
    expect((await verify(vc)).code).toBe('expired');
  });

  it('checks status list tokens: the current one, an outdated one, a tampered one', async () => {
    await credential('vc+jwt');
    const list = await statusList();
    expect(await verify(list)).toMatchObject({ format: 'statuslist+jwt', code: 'valid' });
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    expect((await verify(list)).code).toBe('status_list_outdated');
    const current = await statusList();
    expect((await verify(current)).code).toBe('valid');
    const forged = altered(current, (p) => void ((p.status_list as { lst: string }).lst = (part(list, 1).status_list as { lst: string }).lst));
    expect((await verify(forged)).code).toBe('signature_invalid');
  });

  it('checks attestations against the register today', async () => {
    const attestation = await (await server.app.request('/v1/clusters/alpha/attestation')).text();
    expect(await verify(attestation)).toMatchObject({ format: 'cluster-label+jwt', code: 'valid' });
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    expect((await verify(attestation)).code).toBe('label_revoked');
  });

  it('answers input it cannot read with a clear error and a stable code, never a 500', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['', 'text/plain', 400, 'input_empty'],
      ['hello', 'text/plain', 400, 'input_unreadable'],
      ['a.b.c', 'text/plain', 400, 'input_unreadable'],
      [`${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({})}.AA`, 'text/plain', 400, 'token_type_unsupported'],
      ['{"credential": 5}', 'application/json', 400, 'body_invalid'],
      ['{not json', 'application/json', 400, 'body_invalid'],
      ['x', 'application/xml', 415, 'unsupported_media_type'],
      ['x'.repeat(70_000), 'text/plain', 413, 'payload_too_large'],
      [`${'x'.repeat(65_537)}`, 'application/vc+jwt', 400, 'input_too_large'],
    ];
    for (const [body, type, status, code] of cases) {
      const response = await post(body, type);
      expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
  });

  it('random input and random changes to a genuine credential: never a 5xx, never “valid” unless unchanged (fast-check)', async () => {
    const genuine = await credential('vc+jwt');
    const sd = await credential('dc+sd-jwt');
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.tuple(fc.constantFrom(genuine, sd), fc.nat(), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 })).map(([token, at, text]) => {
        const i = at % token.length;
        return token.slice(0, i) + text + token.slice(i + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (body) => {
        const response = await post(body);
        expect(response.status).toBeLessThan(500);
        const answer = (await response.json()) as Report & { error?: { code: string } };
        if (response.status === 200 && body.trim() !== genuine && body.trim() !== sd) expect(answer.verdict).toBe('not_valid');
        if (response.status !== 200) expect(answer.error!.code).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  });

  it('shows the verdict on the page, from a pasted token or an uploaded file', async () => {
    const page = await server.app.request('/verify');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    const vc = await credential('vc+jwt');
    const pasted = new FormData();
    pasted.set('credential', vc);
    const shown = await (await server.app.request('/verify', { method: 'POST', body: pasted })).text();
    expect(shown).toContain('Valid:');
    expect(shown).toContain('✓ passed');
    const uploaded = new FormData();
    uploaded.set('credential', '');
    uploaded.set('file', new File([altered(vc, (p) => void (p.name = 'Gold'))], 'label.vc.jwt'));
    const refused = await (await server.app.request('/verify', { method: 'POST', body: uploaded })).text();
    expect(refused).toContain('Not valid:');
    const garbage = new FormData();
    garbage.set('credential', '<script>alert(1)</script>');
    const error = await server.app.request('/verify', { method: 'POST', body: garbage });
    expect(error.status).toBe(400);
    const html = await error.text();
    expect(html).toContain('Could not check:');
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});
