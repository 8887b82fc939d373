import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, ORIGIN, PASSWORD, SESSION_COOKIE, signIn, submitSignIn, type ConsoleClient } from '../server/console-client.ts';

/**
 * Hostile input to the console's forms (issue 7). Every refusal is an HTML page
 * with a 4xx status and a message for the person — never a 500 or a stack trace —
 * and leaves the audit head where it was; a hostile name the console accepts is
 * shown as text on its pages.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** What the forms of the Unicode tests carry besides the text under test. */
const BAD_TEXT = ['Nul\u0000Cluster', 'Bell\u0007', 'Esc\u001b[31m', 'Del\u007f', 'C1\u0085next', 'Lone \ud800 high', 'Lone \udfff low', 'Reversed \u202eanil\u202c', 'Isolate \u2066x\u2069', 'Embed \u202bx\u202c', 'Line\u2028sep'];

/** Percent-encodings that are no UTF-8 text at all: a surrogate, a stray byte, an overlong slash, cut-off escapes. */
const BAD_BYTES = ['%ED%A0%80', '%FF', '%C0%AF', '%E2%82', '%', '%zz'];

const HOSTILE_NAME = '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("https://evil.example") 🚀 &amp; "quoted" \'single\'';

describeEachDialect('hostile console input', (dialect) => {
  let server: TestServer;
  let admin: ConsoleClient;
  let kid = '';

  beforeEach(async () => {
    server = await startTestServer(dialect, { now: testClock('2026-06-15T10:00:00Z').now });
    await createUser(server, 'admin@office.test', 'admin');
    admin = await signIn(server, 'admin@office.test');
    await createTestCluster(server, 'alpha', { name: 'Alpha', sites: ['https://www.alpha.example'] });
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-01' }, 'test');
    await createTestCluster(server, 'beta', { name: 'Beta', country: 'FR' });
    await new ApiTokens(server.database, server.keyring, server.now).create('ci-deploy', 'viewer', 'test');
    kid = server.keyring.list()[0]!.kid;
  });
  afterEach(() => server.cleanup());

  /**
   * Every console form that changes something, with a body it accepts in the
   * state `beforeEach` sets up (the last test proves that), so a refusal of a
   * variation is the variation's doing.
   */
  const forms = (): Array<{ path: string; valid: Record<string, string> }> => [
    { path: '/admin/clusters', valid: { id: 'gamma', name: 'Gamma', organisation: 'Gamma e.V.', country: 'de', portfolio: 'Photonics', sites: 'https://www.gamma.example', contactEmail: 'office@gamma.example' } },
    { path: '/admin/clusters/alpha', valid: { name: 'Alpha renamed', organisation: 'Alpha e.V.', country: 'AT', portfolio: 'Food', sites: 'https://www.alpha.example', contactEmail: 'office@alpha.example' } },
    { path: '/admin/clusters/beta/award', valid: { level: 'gold', awarded: '2026-06-01', validUntil: '2028-06-30', assessmentRef: 'A-1' } },
    { path: '/admin/clusters/alpha/upgrade', valid: { level: 'gold', awarded: '2026-06-01', validUntil: '2028-06-30', assessmentRef: 'A-2', confirm: 'yes' } },
    { path: '/admin/clusters/alpha/renew', valid: { validUntil: '2030-03-31', assessmentRef: 'A-3', confirm: 'yes' } },
    { path: '/admin/clusters/alpha/revoke', valid: { reason: 'The evidence was incomplete.', note: 'Internal.', confirm: 'yes' } },
    { path: '/admin/users', valid: { email: 'new@office.test', role: 'viewer', password: 'correct horse battery staple' } },
    { path: '/admin/tokens', valid: { name: 'nightly-export', role: 'viewer' } },
    { path: `/admin/keys/${kid}/revoke`, valid: { confirm: 'yes' } },
  ];

  /** Wrong values for the fields that have a form: each must be refused, whatever else the form says. */
  const WRONG: Record<string, string[]> = {
    id: ['Gamma', 'gamma gamma', '../keys', '-gamma', 'g'.repeat(65), '42.5', '{}', '[]'],
    country: ['42', 'DEU', 'D', 'true', '{}', 'null', 'd\u0000'],
    sites: ['42', 'true', 'javascript:alert(1)', 'https://www.gamma.example/path', 'null', '{}', 'https://a.example https://a.example/x'],
    contactEmail: ['42', 'not-an-address', 'a@b@c', 'true', '<x@y.example>'],
    level: ['42', 'true', 'null', '[]', '{}', 'platinum', 'GOLD', ' gold x'],
    awarded: ['42', '-1.5', 'true', '2026-02-30', '2026-6-1', 'tomorrow', '1e3', '2026-06-01T00:00:00Z'],
    validUntil: ['42', 'true', '2026-13-01', '2028-02-30', 'null', '{}'],
    reason: ['', ' ', 'x'.repeat(501)],
    email: ['42', 'true', 'not-an-address', 'a@b@c', 'x'.repeat(300) + '@office.test'],
    role: ['42', 'true', 'root', 'ADMIN', 'officer ', '{}'],
    password: ['42', 'true', 'short', 'x'.repeat(1025)],
    name: ['', ' ', 'x'.repeat(201)],
    confirm: ['', 'no', 'YES', 'true', '1'],
  };
  // A token name is a slug too; the cluster forms' names are text (tested with Unicode below).
  const TOKEN_NAMES = ['Not Valid', 'x'.repeat(65), '{}', '../x', 'ci deploy', ''];
  // A label action without `confirm=yes` takes a second look first (tested below); the key revocation has no such step.
  const secondLook = (path: string) => /\/alpha\/(revoke|renew|upgrade)$/.test(path);
  const wrongFor = (path: string, field: string) => (path === '/admin/tokens' && field === 'name' ? TOKEN_NAMES : secondLook(path) && field === 'confirm' ? [] : (WRONG[field] ?? []));

  /** A form posted as a browser would, from raw urlencoded text (so duplicated and malformed fields can be sent). */
  const postRaw = (path: string, body: string | FormData, csrf = admin.csrf) => {
    const form = typeof body === 'string' ? `csrf=${encodeURIComponent(csrf)}${body ? `&${body}` : ''}` : body;
    if (typeof body !== 'string') body.set('csrf', csrf);
    return server.app.request(path, {
      method: 'POST',
      headers: { Cookie: `${SESSION_COOKIE}=${admin.session}`, Origin: ORIGIN, ...(typeof form === 'string' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: form,
    });
  };
  const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  /** What the person reads: the page's error notice, or the error page's message. */
  const messageOf = (html: string) => (/role="alert">([^<]+)</.exec(html) ?? /<h1>[^<]+<\/h1><p>([^<]+)</.exec(html))?.[1];

  /** A refusal: 4xx, an HTML page saying why, nothing of the server's insides, and the audit head where it was. */
  async function refused(path: string, body: string | FormData, what: string) {
    const before = await server.registry.auditHead();
    const response = await postRaw(path, body);
    const html = await response.text();
    const label = `${path} ${what.slice(0, 120)} → ${response.status} ${html.slice(0, 200)}`;
    expect(response.status, label).toBeGreaterThanOrEqual(400);
    expect(response.status, label).toBeLessThan(500);
    expect(response.headers.get('Content-Type'), label).toContain('text/html');
    expect(messageOf(html)?.trim().length ?? 0, label).toBeGreaterThan(10);
    expect(html, label).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|Error:|internal_error/);
    expect(await server.registry.auditHead(), label).toEqual(before);
  }

  it('wrong values in every field of every form are refused with a message, and change nothing', async () => {
    for (const { path, valid } of forms()) {
      for (const field of Object.keys(valid)) {
        for (const value of wrongFor(path, field)) await refused(path, encode({ ...valid, [field]: value }), `${field}=${JSON.stringify(value)}`);
      }
    }
    // Anything but `yes` in a label action's `confirm` only asks again.
    for (const { path, valid } of forms().filter((form) => secondLook(form.path))) {
      for (const confirm of WRONG.confirm!) {
        const before = await server.registry.auditHead();
        const response = await postRaw(path, encode({ ...valid, confirm }));
        expect(response.status, path).toBe(200);
        expect(await response.text()).toContain('name="confirm" value="yes"');
        expect(await server.registry.auditHead()).toEqual(before);
      }
    }
  });

  it('missing fields, files and bracketed names in place of text are refused with a message, and change nothing', async () => {
    const required: Record<string, string[]> = {
      '/admin/clusters': ['id', 'name', 'country'],
      '/admin/clusters/beta/award': ['level'],
      '/admin/clusters/alpha/upgrade': ['level'],
      '/admin/clusters/alpha/revoke': ['reason'],
      '/admin/users': ['email', 'role', 'password'],
      '/admin/tokens': ['name', 'role'],
      [`/admin/keys/${kid}/revoke`]: ['confirm'],
    };
    for (const { path, valid } of forms()) {
      for (const field of required[path] ?? []) {
        const { [field]: _, ...rest } = valid;
        await refused(path, encode(rest), `without ${field}`);
        // A browser never sends these for a text field: the console must not take them as the field.
        await refused(path, `${encode(rest)}&${field}%5B%5D=${encodeURIComponent(valid[field]!)}`, `${field}[]`);
        const multipart = new FormData();
        for (const [name, value] of Object.entries(rest)) multipart.set(name, value);
        multipart.set(field, new Blob([valid[field]!]), 'field.txt');
        await refused(path, multipart, `${field} as a file`);
      }
    }
    // No field at all (a renewal needs none): the edit form must not read an absent field as "erase it".
    for (const { path } of forms()) if (!path.endsWith('/renew')) await refused(path, '', 'no fields');
  });

  it('a field sent twice is refused, whichever copy is hostile', async () => {
    for (const { path, valid } of forms()) {
      for (const [field, value] of Object.entries(valid)) {
        await refused(path, `${encode(valid)}&${encode({ [field]: value })}`, `${field} twice, the same`);
        await refused(path, `${encode(valid)}&${encode({ [field]: HOSTILE_NAME })}`, `${field} twice, then hostile`);
      }
    }
    // Two CSRF tokens, the right one first: refused too, not read either way.
    await refused('/admin/clusters', `${encode(forms()[0]!.valid)}&csrf=wrong`, 'csrf twice');
  });

  it('huge bodies are refused with 413 before they are read', async () => {
    for (const { path, valid } of forms()) {
      await refused(path, encode({ ...valid, name: 'x'.repeat(70_000) }), '70,000-character field');
      await refused(path, `${encode(valid)}&${'k=1&'.repeat(20_000)}`, '20,000 fields');
    }
    // Under the limit, a long text is refused by its field's own limit.
    await refused('/admin/clusters', encode({ ...forms()[0]!.valid, name: 'x'.repeat(60_000) }), '60,000-character name');
  });

  it('control characters, bidi overrides, lone surrogates and bytes that are no UTF-8 are refused in every text field', async () => {
    const textFields: Array<[string, string]> = [
      ['/admin/clusters', 'name'],
      ['/admin/clusters', 'organisation'],
      ['/admin/clusters', 'portfolio'],
      ['/admin/clusters/alpha', 'name'],
      ['/admin/clusters/beta/award', 'assessmentRef'],
      ['/admin/clusters/alpha/renew', 'assessmentRef'],
      ['/admin/clusters/alpha/revoke', 'reason'],
      ['/admin/clusters/alpha/revoke', 'note'],
      ['/admin/tokens', 'name'],
      ['/admin/users', 'email'],
    ];
    for (const [path, field] of textFields) {
      const { valid } = forms().find((form) => form.path === path)!;
      // Percent-encoded by hand: URLSearchParams would turn a lone surrogate into U+FFFD before it left.
      const raw = (value: string) => `${encode({ ...valid, [field]: 'x' })}`.replace(`${field}=x`, `${field}=${value}`);
      for (const text of BAD_TEXT) {
        const escaped = [...text].map((ch) => (/^[\ud800-\udfff]$/.test(ch) ? `%${ch === '\ud800' ? 'ED%A0%80' : 'ED%BF%BF'}` : encodeURIComponent(ch))).join('');
        await refused(path, raw(escaped), `${field}=${JSON.stringify(text)}`);
      }
      for (const bytes of BAD_BYTES) await refused(path, raw(`Name${bytes}`), `${field}=Name${bytes}`);
    }
  });

  it('ids with path tricks find nothing and change nothing', async () => {
    const tricks = ['%2e%2e', '..%2f..%2fkeys', 'alpha%00', 'alpha%2500', 'ALPHA', 'alpha%20', '%20alpha', 'alpha.', 'a'.repeat(65), 'a'.repeat(5000), '-alpha', 'alpha%0a', 'alpha%ED%A0%80', 'alpha%FF', '%3Cscript%3E'];
    const alpha = await server.registry.getCluster('alpha');
    for (const id of tricks) {
      for (const [suffix, fields] of [['', { name: 'Hijacked' }], ['/award', { level: 'gold' }], ['/upgrade', { level: 'gold' }], ['/renew', {}], ['/revoke', { reason: 'Hijacked by a path trick', confirm: 'yes' }], ['/withdraw', { confirm: 'yes' }]] as const) {
        await refused(`/admin/clusters/${id}${suffix}`, encode(fields), `cluster ${id}${suffix}`);
      }
      await refused(`/admin/users/${id}/disable`, '', `user ${id}`);
      await refused(`/admin/tokens/${id}/revoke`, '', `token ${id}`);
      await refused(`/admin/keys/${id}/revoke`, encode({ confirm: 'yes' }), `key ${id}`);
      for (const path of [`/admin/clusters/${id}`, `/admin/clusters/${id}/edit`]) {
        const response = await admin.get(path);
        expect([400, 404], `GET ${path}`).toContain(response.status);
        expect(await response.text()).not.toMatch(/<script>|\bat .*\.(ts|js):\d+/);
      }
    }
    expect(await server.registry.getCluster('alpha')).toEqual(alpha);
  });

  it('a NUL character in an address or the sign-in form is refused with a message, on both dialects', async () => {
    for (const path of ['/admin/clusters?q=a%00b', '/admin/audit?subject=a%00b', '/admin/audit?action=a%00b', '/admin/clusters/alpha%00', '/admin/users/x%00/disable']) {
      const response = await admin.get(path);
      expect(response.status, path).toBe(400);
      expect(messageOf(await response.text()), path).toMatch(/NUL/);
    }
    await refused('/admin/users/alpha%00/disable', '', 'user id with NUL');
    await refused('/admin/tokens/ci-deploy%00/revoke', '', 'token name with NUL');
    await refused(`/admin/keys/${kid}%00/revoke`, encode({ confirm: 'yes' }), 'kid with NUL');
    const signIn = await submitSignIn(server, 'admin@office.test\u0000', PASSWORD);
    expect(signIn.status).toBe(400);
    expect(messageOf(await signIn.text())).toMatch(/NUL/);
  });

  it('random forms: never a 500; a refusal says why and changes nothing; an acceptance is one audit entry', async () => {
    // Not the key revocation: accepted, it writes two entries (the revocation and the replacement's activation).
    const paths = forms().map((form) => form.path).filter((path) => !path.startsWith('/admin/keys/'));
    const fields = [...new Set(forms().flatMap((form) => Object.keys(form.valid)))];
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('gold', 'silver', 'bronze', '2026-02-30', '2027-12-31', 'DE', 'https://www.alpha.example', 'x@y.example', 'yes', 'viewer', '', HOSTILE_NAME),
    );
    const form = fc.tuple(fc.constantFrom(...paths), fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })), value, { maxKeys: 6 }));
    await fc.assert(
      fc.asyncProperty(form, async ([path, body]) => {
        const valid = forms().find((f) => f.path === path)!.valid;
        const before = await server.registry.audit({ limit: 1 });
        // Often a valid form with a few fields replaced, sometimes only the random fields.
        const fields = Object.keys(body).length % 2 === 0 ? { ...valid, ...body } : body;
        delete fields.csrf;
        const response = await postRaw(path, encode(fields));
        const html = await response.text();
        if (response.status >= 500 || /\bat .*\.(ts|js):\d+|internal_error/.test(html)) return false;
        const after = await server.registry.audit({ limit: 1 });
        if (response.status >= 400) return (messageOf(html)?.trim().length ?? 0) > 10 && after[0]?.seq === before[0]?.seq;
        // Accepted (a redirect, a created token's page, a confirmation to tick): one entry, or none for a confirmation.
        return after[0]!.seq - before[0]!.seq <= 1;
      }),
      { numRuns: RUNS },
    );
  });

  it('a hostile name accepted through the console is text on every console page', async () => {
    const created = await postRaw('/admin/clusters', encode({ id: 'hostile', name: HOSTILE_NAME, country: 'DE', sites: 'https://www.hostile.example', portfolio: HOSTILE_NAME }));
    expect(created.status, await created.clone().text()).toBe(303);
    expect((await server.registry.getCluster('hostile'))?.name).toBe(HOSTILE_NAME);
    expect((await postRaw('/admin/clusters/hostile/award', encode({ level: 'gold', awarded: '2026-06-01', assessmentRef: '<b>A-1</b> =1+1' }))).status).toBe(303);
    expect((await postRaw('/admin/tokens', encode({ name: 'hostile-token', role: 'viewer' }))).status).toBe(201);

    for (const path of ['/admin', '/admin/audit', '/admin/audit?subject=hostile']) expect(await (await admin.get(path)).text(), path).not.toMatch(/<script>alert|<img src=x/);
    for (const path of ['/admin/clusters', '/admin/clusters?q=script', '/admin/clusters/hostile', '/admin/clusters/hostile/edit']) {
      const response = await admin.get(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).not.toMatch(/<script>alert|<img src=x/);
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
    // Markup that reaches a form field's value stays inside its quotes.
    const edit = await (await admin.get('/admin/clusters/hostile/edit')).text();
    expect(edit).toContain('&quot;quoted&quot;');
    expect(edit).not.toContain('"quoted"');

    // A refused form shows what was typed again, as text.
    const again = await postRaw('/admin/clusters', encode({ id: 'Bad Id', name: HOSTILE_NAME, country: 'DE' }));
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).not.toMatch(/<script>alert|<img src=x/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('accepts every form’s valid body, so each refusal above was the variation’s doing', async () => {
    for (const { path, valid } of forms()) {
      const before = await server.registry.audit({ limit: 1 });
      const response = await postRaw(path, encode(valid));
      expect([303, 201], `${path} → ${response.status} ${messageOf(await response.clone().text())}`).toContain(response.status);
      expect((await server.registry.audit({ limit: 1 }))[0]!.seq, path).toBeGreaterThan(before[0]!.seq);
    }
    // Emoji, combining marks and other scripts are kept (as NFC).
    for (const [index, [given, stored]] of [['Cluster 🚀🧬 Nord', 'Cluster 🚀🧬 Nord'], ['Cafe\u0301 Cluster', 'Café Cluster'], ['مجموعة التجمع', 'مجموعة التجمع']].entries()) {
      expect((await postRaw('/admin/clusters', encode({ id: `uni-${index}`, name: given!, country: 'DE' }))).status).toBe(303);
      expect((await server.registry.getCluster(`uni-${index}`))?.name).toBe(stored);
    }
  });
});
