import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, PASSWORD, SESSION_COOKIE, setCookieValue, submitSignIn } from './console-client.ts';

const OWNER = 'owner@office.test';
const ATTACKER = '198.51.100.7';
const HOME = '192.0.2.10';

describeEachDialect('sign-in throttle', (dialect) => {
  let server: TestServer;
  const clock = testClock('2026-06-15T10:00:00Z');
  const attempt = (password: string, address: string, email = OWNER) => submitSignIn(server, email, password, { address });

  beforeEach(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await createUser(server, OWNER, 'officer');
  });
  afterEach(() => server?.cleanup());

  it('locks the guessing address out of the account, and lets the owner in from another', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password', ATTACKER)).status).toBe(401);
    // The attacker's address is refused, even with the right password: the lock is not an oracle.
    const locked = await attempt(PASSWORD, ATTACKER);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(14 * 60);
    expect(setCookieValue(locked, SESSION_COOKIE)).toBeUndefined();

    const owner = await attempt(PASSWORD, HOME);
    expect(owner.status).toBe(303);
    expect(setCookieValue(owner, SESSION_COOKIE)).toBeTruthy();
    // The owner's sign-in forgives nothing of the attacker's: still locked until the window passes.
    expect((await attempt(PASSWORD, ATTACKER)).status).toBe(429);
    clock.advance(15 * 60 + 1);
    expect((await attempt(PASSWORD, ATTACKER)).status).toBe(303);
  });

  it('cannot keep accounts locked from one address: it locks only itself', async () => {
    const others = ['a@office.test', 'b@office.test', 'c@office.test'];
    for (const email of others) await createUser(server, email, 'viewer');
    // Hours of guessing at four accounts, as fast as the limits let one address.
    for (let hour = 0; hour < 3; hour++) {
      for (const email of [OWNER, ...others]) {
        for (let i = 0; i < 5; i++) await attempt('wrong password', ATTACKER, email);
        expect((await attempt(PASSWORD, HOME, email)).status).toBe(303);
      }
      clock.advance(15 * 60 + 1);
    }
  });

  it('slows an account guessed at from many addresses to one try in 3 minutes, and never locks it', async () => {
    // Ten failures from ten addresses: no single address is limited.
    for (let i = 0; i < 10; i++) expect((await attempt('wrong password', `203.0.113.${i}`)).status).toBe(401);
    const slowed = await attempt('wrong password', '203.0.113.50');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('Retry-After'))).toBe(180);
    // The owner too waits, minutes not hours; then one attempt is taken.
    expect((await attempt(PASSWORD, HOME)).status).toBe(429);
    clock.advance(180);
    expect((await attempt('wrong password', '203.0.113.51')).status).toBe(401);
    expect((await attempt(PASSWORD, HOME)).status).toBe(429);
    clock.advance(180);
    expect((await attempt(PASSWORD, HOME)).status).toBe(303);
  });

  it('gives a guesser with many addresses no more than 20 tries an hour at one account, as before', async () => {
    let tries = 0;
    // Every 10 seconds for two hours, each time from a new address.
    for (let second = 0, n = 0; second < 2 * 3600; second += 10, n++) {
      const response = await attempt('wrong password', `10.0.${Math.floor(n / 250)}.${n % 250}`);
      if (response.status === 401) tries++;
      else expect(response.status).toBe(429);
      clock.advance(10);
    }
    // The first hour's ten, then one every three minutes.
    expect(tries).toBeLessThanOrEqual(10 + 2 * 20);
    expect(tries).toBeGreaterThanOrEqual(2 * 20);
  });

  it('limits one address to 20 failures across accounts', async () => {
    for (let i = 0; i < 20; i++) expect((await attempt('wrong password', ATTACKER, `guess${i}@office.test`)).status).toBe(401);
    expect((await attempt(PASSWORD, ATTACKER)).status).toBe(429);
    expect((await attempt(PASSWORD, HOME)).status).toBe(303);
  });
});
