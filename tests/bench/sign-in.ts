// How many password guesses the console's sign-in limits let through, counted with the real
// throttle on a real registry and a simulated clock: a guesser tries every 10 seconds for
// three hours, from one address or from a new address each time, and the owner of the
// account tries the right password from home once a minute.
//   npx tsx tests/bench/sign-in.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignInThrottle } from '../../server/console/throttle.ts';
import { openDatabase } from '../../server/registry/database.ts';

const HOURS = 3;

async function simulate(name: string, addressOf: (n: number) => string, accounts: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-sign-in-'));
  const database = await openDatabase({ dataDir });
  let now = Date.parse('2026-06-15T10:00:00Z');
  const throttle = new SignInThrottle(database, () => new Date(now));
  const perHour = Array.from({ length: HOURS }, () => 0);
  let ownerRefused = 0;
  let ownerLongestWait = 0;
  for (let second = 0, n = 0; second < HOURS * 3600; second += 10, n++) {
    const account = `target${n % accounts}@office.example`;
    if ((await throttle.retryAfter(account, addressOf(n))) === 0) {
      await throttle.recordFailure(account, addressOf(n));
      perHour[Math.floor(second / 3600)]!++;
    }
    if (second % 60 === 0) {
      const wait = await throttle.retryAfter('target0@office.example', '192.0.2.10');
      if (wait > 0) ownerRefused++;
      ownerLongestWait = Math.max(ownerLongestWait, wait);
    }
    now += 10_000;
  }
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
  const perAccount = perHour.map((n) => (n / accounts).toFixed(0)).join(', ');
  console.log(`  ${name.padEnd(42)} guesses per account in hours 1–${HOURS}: ${perAccount}; the owner at home: refused ${ownerRefused} of ${HOURS * 60} times, longest wait ${ownerLongestWait} s`);
}

console.log('Sign-in: guesses that reach the password check (one try every 10 s for three hours)');
await simulate('one address, one account', () => '198.51.100.7', 1);
await simulate('one address, four accounts in turn', () => '198.51.100.7', 4);
await simulate('a new address every try, one account', (n) => `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`, 1);
