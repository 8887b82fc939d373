import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../server/console/accounts.ts';
import { readConsoleConfig } from '../../server/console/config.ts';
import { checkNewPassword, hashPassword, verifyPassword } from '../../server/console/passwords.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { clientFor, createUser, csrfIn, ORIGIN, PASSWORD, SESSION_COOKIE, SIGN_IN_COOKIE, setCookieLine, setCookieValue, signIn, submitSignIn } from './console-client.ts';

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long enough password', a)).toBe(true);
    expect(await verifyPassword('a long enough passworD', a)).toBe(false);
    expect(await verifyPassword('a long enough password', 'md5$abc')).toBe(false);
  });

  it('hashes at production strength unless PASSWORD_HASH_COST lowers it, as the test servers do', async () => {
    expect(readConsoleConfig({}).passwordCost).toBe(15);
    expect(readConsoleConfig({ PASSWORD_HASH_COST: '10' }).passwordCost).toBe(10);
    expect(() => readConsoleConfig({ PASSWORD_HASH_COST: '9' })).toThrow(/PASSWORD_HASH_COST must be a whole number from 10 to 20/);
    const cheap = await hashPassword('a long enough password', 10);
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('a long enough password', cheap)).toBe(true);
  });

  it('refuses short passwords with a stable code', async () => {
    await expect(hashPassword('short')).rejects.toMatchObject({ code: 'weak_password' });
  });

  it.each([
    ['a well-known password', 'password1234', /well-known/],
    ['a well-known password in other case and spacing', 'Pass Word 1234', /well-known/],
    ['twelve spaces', ' '.repeat(12), /different characters/],
    ['one character repeated', 'aaaaaaaaaaaaaaaa', /different characters/],
    ['two characters alternating', 'abababababab', /different characters/],
    ['a keyboard row', 'qwertyuiop[]', /run of keys/],
    ['a keyboard run', 'asdfghjkl', /at least 12/],
    ['digits in order', '123456789012', /run of keys/],
    ['a run repeated', 'abcdefabcdef', /run of keys/],
    ['a run backwards', 'lkjhgfdsalkjhgfdsa', /run of keys/],
    ['the e-mail address', 'office@example.org', /e-mail address/],
    ['the e-mail address with a suffix', 'Office@Example.org!', /e-mail address/],
    ['the name before the @, doubled up', 'officeoffice', /e-mail address/],
  ])('refuses %s with weak_password and the rule it breaks', (_kind, password, rule) => {
    let error: unknown;
    try {
      checkNewPassword(password, 'office@example.org');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'weak_password', message: expect.stringMatching(rule) });
  });

  it('accepts a good passphrase, also one that mentions part of the address', () => {
    expect(() => checkNewPassword('violet tractor under 9 bridges', 'office@example.org')).not.toThrow();
    expect(() => checkNewPassword('my office plant drinks tea at noon', 'office@example.org')).not.toThrow();
  });
});

describeEachDialect('console sessions', (dialect) => {
  let server: TestServer;
  const clock = testClock('2026-06-15T10:00:00Z');

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'target');
    await createUser(server, 'officer@office.test', 'officer');
    await createUser(server, 'other@office.test', 'officer');
  });
  afterAll(() => server?.cleanup());

  it('sets an HttpOnly, Secure, SameSite=Strict host-only cookie over HTTPS', async () => {
    const response = await submitSignIn(server, 'officer@office.test', PASSWORD);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/admin');
    const line = setCookieLine(response, SESSION_COOKIE)!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Secure/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Domain=/);
    expect(line).toMatch(/Max-Age=28800/);
  });

  it('refuses a wrong password or an unknown account with the same answer and no session', async () => {
    const wrong = await submitSignIn(server, 'officer@office.test', 'not the password', { address: '198.51.100.7' });
    const unknown = await submitSignIn(server, 'nobody@office.test', PASSWORD, { address: '198.51.100.7' });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(setCookieValue(response, SESSION_COOKIE)).toBeUndefined();
      expect(await response.text()).toContain('The e-mail address or the password is wrong');
    }
  });

  it('issues a new session id at sign-in and drops the one the browser had (no fixation)', async () => {
    const planted = await signIn(server, 'other@office.test');
    const response = await submitSignIn(server, 'officer@office.test', PASSWORD, { cookie: `${SESSION_COOKIE}=${planted.session}` });
    const fresh = setCookieValue(response, SESSION_COOKIE)!;
    expect(fresh).not.toBe(planted.session);
    expect((await planted.get('/admin')).status).toBe(303);
    const invented = await submitSignIn(server, 'officer@office.test', PASSWORD, { cookie: `${SESSION_COOKIE}=attacker-chosen-id` });
    expect(setCookieValue(invented, SESSION_COOKIE)).not.toBe('attacker-chosen-id');
    expect((await (await clientFor(server, 'attacker-chosen-id')).get('/admin')).status).toBe(303);
  });

  it('ends the session on the server at sign-out', async () => {
    const client = await signIn(server, 'officer@office.test');
    const response = await client.post('/admin/sign-out');
    expect(response.status).toBe(303);
    expect(setCookieValue(response, SESSION_COOKIE)).toBe('');
    // The old cookie, replayed, no longer signs anyone in.
    expect((await client.get('/admin')).headers.get('Location')).toBe('/admin/sign-in');
  });

  it('expires sessions after their lifetime', async () => {
    const client = await signIn(server, 'officer@office.test');
    clock.advance(8 * 3600 - 60);
    expect((await client.get('/admin')).status).toBe(200);
    clock.advance(120);
    expect((await client.get('/admin')).headers.get('Location')).toBe('/admin/sign-in');
  });

  it('ends every session of a disabled account at once and refuses its sign-in', async () => {
    await createUser(server, 'leaver@office.test', 'officer');
    const client = await signIn(server, 'leaver@office.test');
    await new Accounts(server.database, server.keyring, server.now).disable('leaver@office.test', 'test');
    expect((await client.get('/admin')).status).toBe(303);
    expect((await submitSignIn(server, 'leaver@office.test', PASSWORD)).status).toBe(401);
  });

  describe('CSRF', () => {
    const award = { level: 'bronze' };
    it('refuses a POST without the token, with a wrong one, or with another session’s', async () => {
      const client = await signIn(server, 'officer@office.test');
      const other = await signIn(server, 'other@office.test');
      for (const csrf of [null, '', 'forged', other.csrf]) {
        const response = await client.post('/admin/clusters/target/award', award, { csrf });
        expect(response.status).toBe(403);
      }
      expect(await server.registry.getCurrentLabel('target')).toBeUndefined();
    });

    it('refuses a POST from a foreign or missing Origin, even with the right token', async () => {
      const client = await signIn(server, 'officer@office.test');
      for (const origin of ['https://evil.example', 'http://issuer.test', null]) {
        expect((await client.post('/admin/clusters/target/award', award, { origin })).status).toBe(403);
      }
      expect(await server.registry.getCurrentLabel('target')).toBeUndefined();
      // The same request, as the console's own page sends it, goes through.
      expect((await client.post('/admin/clusters/target/award', award)).status).toBe(303);
      expect(await server.registry.getCurrentLabel('target')).toMatchObject({ level: 'bronze' });
    });

    it('protects the sign-in form itself (login CSRF)', async () => {
      const page = await server.app.request('/admin/sign-in');
      const token = csrfIn(await page.text());
      const body = new URLSearchParams({ csrf: token, email: 'officer@office.test', password: PASSWORD }).toString();
      const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      // Without the sign-in cookie (a cross-site form cannot send it): refused.
      expect((await server.app.request('/admin/sign-in', { method: 'POST', headers: { ...headers, Origin: ORIGIN }, body })).status).toBe(403);
      // From a foreign page: refused.
      const cookie = `${SIGN_IN_COOKIE}=${setCookieValue(page, SIGN_IN_COOKIE)}`;
      expect((await server.app.request('/admin/sign-in', { method: 'POST', headers: { ...headers, Origin: 'https://evil.example', Cookie: cookie }, body })).status).toBe(403);
    });
  });

  describe('sign-in rate limit', () => {
    it('limits one address to 20 failures across accounts, and every instance counts the same failures', async () => {
      const second = await startTestServer(dialect, { now: clock.now, shareWith: server });
      try {
        for (let i = 0; i < 20; i++) {
          const instance = i % 2 === 0 ? server : second;
          expect((await submitSignIn(instance, `guess${i}@office.test`, 'wrong password', { address: '192.0.2.200' })).status).toBe(401);
        }
        expect((await submitSignIn(second, 'officer@office.test', PASSWORD, { address: '192.0.2.200' })).status).toBe(429);
        expect((await submitSignIn(server, 'officer@office.test', PASSWORD, { address: '192.0.2.201' })).status).toBe(303);
      } finally {
        await second.cleanup();
      }
    });
  });
});

describe('console sessions over plain HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: 'http://localhost:8787' } });
    await createUser(server, 'dev@office.test', 'viewer');
  });
  afterAll(() => server?.cleanup());

  it('drops Secure and the __Host- prefix, and keeps the cookie to /admin', async () => {
    const page = await server.app.request('/admin/sign-in');
    const body = new URLSearchParams({ csrf: csrfIn(await page.text()), email: 'dev@office.test', password: PASSWORD }).toString();
    const response = await server.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:8787', Cookie: `cl_signin=${setCookieValue(page, 'cl_signin')}` },
      body,
    });
    expect(response.status).toBe(303);
    const line = setCookieLine(response, 'cl_session')!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\/admin/);
    expect(line).not.toMatch(/Secure/);
  });
});
