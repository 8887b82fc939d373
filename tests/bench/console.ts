/**
 * The console at scale, beside the issuer: seeds 100,000 fictional clusters by direct
 * insert into a registry of its own, runs the built server (dist/server/main.js) on
 * it, signs in as an officer and times each console page (the cluster list's first
 * page, a deep page, each sort, each work queue, the dashboard, the audit log, a
 * cluster), printing median and p95; meanwhile a steady prober asks for attestations
 * and /healthz and prints their p50/p99, against a quiet baseline.
 *
 *   npx tsx tests/bench/console.ts [--dialect sqlite,postgres] [--clusters 100000] [--rounds 20]
 *
 * Needs `npm run build`; PostgreSQL needs TEST_DATABASE_URL (a database is created and dropped).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../../server/config.ts';
import { Accounts } from '../../server/console/accounts.ts';
import { encodeCursor } from '../../server/console/list.ts';
import { openServices } from '../../server/services.ts';
import { freePort } from '../support/ports.ts';
import { seedRegister } from './register.ts';
import { seedBenchClusters, startServerProcess } from './support.ts';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite,postgres' },
    clusters: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
  },
});
const dialects = values.dialect!.split(',');
if (!dialects.every((d) => d === 'sqlite' || d === 'postgres')) throw new Error('--dialect must be sqlite, postgres or both');
const count = Number(values.clusters);
const rounds = Number(values.rounds);
const PASSWORD = 'bench officer passphrase 2026';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;

for (const dialect of dialects) await run(dialect);

async function run(dialect: string) {
  // An empty registry of its own (keys, schema), then the register by direct insert, and an officer.
  const registry = await seedBenchClusters(dialect, 0);
  const config = readConfig({ ...registry.env, PUBLIC_URL: 'http://localhost:1' });
  const services = await openServices(config);
  const seeding = performance.now();
  await seedRegister(services.database, count, new Date());
  await new Accounts(services.database, services.keyring, services.now, config.console.passwordCost).create({ email: 'officer@bench.test', role: 'officer', password: PASSWORD }, 'bench');
  // A deep page: the cursor after the cluster half-way down the name order.
  const middle = await services.database.db.selectFrom('clusters').select(['name', 'id']).orderBy('name').orderBy('id').offset(Math.floor(count / 2)).limit(1).executeTakeFirstOrThrow();
  await services.close();
  process.stdout.write(`${dialect}: seeded ${count.toLocaleString('en')} clusters in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);

  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const server = await startServerProcess(['dist/server/main.js'], port, registry, { ready: '/healthz' });
  try {
    // Sign in as a browser would.
    const form = await fetch(`${origin}/admin/sign-in`);
    const signInCookie = form.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${origin}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: origin, Cookie: signInCookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, email: 'officer@bench.test', password: PASSWORD }).toString(),
    });
    const session = signedIn.headers.getSetCookie().find((line) => line.startsWith('cl_session='))?.split(';')[0];
    if (!session) throw new Error(`sign-in answered ${signedIn.status} without a session`);

    const deep = encodeCursor({ sort: 'name', stretch: 0, key: [middle.name, middle.id] });
    const PAGES = [
      '/admin',
      '/admin/clusters',
      `/admin/clusters?after=${deep}`,
      '/admin/clusters?sort=-name',
      '/admin/clusters?sort=country',
      '/admin/clusters?sort=level',
      '/admin/clusters?sort=valid-until',
      '/admin/clusters?sort=-valid-until',
      '/admin/clusters?sort=changed',
      '/admin/clusters?queue=ending-30&sort=valid-until',
      '/admin/clusters?queue=ending-90&sort=valid-until',
      '/admin/clusters?queue=grace&sort=valid-until',
      '/admin/clusters?queue=withdrawal&sort=valid-until',
      '/admin/clusters?queue=revoked&sort=changed',
      '/admin/clusters?queue=unlabelled&sort=changed',
      '/admin/clusters?level=gold&status=valid&country=DE',
      '/admin/clusters?q=photonics',
      '/admin/audit',
      '/admin/clusters/bench-012345',
    ];

    // The issuer's own traffic, steady: four callers, each asking every 20 ms.
    const attest: number[] = [];
    const health: number[] = [];
    let probing = true;
    const probe = async (lane: number) => {
      for (let i = lane; probing; i += 4) {
        const path = i % 5 === 4 ? '/healthz' : `/v1/clusters/bench-${String((i * 7919) % count).padStart(6, '0')}/attestation`;
        const started = performance.now();
        const response = await fetch(`${origin}${path}`);
        await response.arrayBuffer();
        (path === '/healthz' ? health : attest).push(performance.now() - started);
        if (response.status !== 200 && response.status !== 404) throw new Error(`${path} answered ${response.status}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const probeFor = async (seconds: number) => {
      attest.length = 0;
      health.length = 0;
      probing = true;
      const lanes = [0, 1, 2, 3].map(probe);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      probing = false;
      await Promise.all(lanes);
      return { attest: [...attest].sort((a, b) => a - b), health: [...health].sort((a, b) => a - b) };
    };
    const printProbe = (what: string, p: { attest: number[]; health: number[] }) =>
      process.stdout.write(
        `${dialect}: ${what}: attestation p50 ${ms(quantile(p.attest, 0.5))} p99 ${ms(quantile(p.attest, 0.99))} (${p.attest.length} calls), /healthz p99 ${ms(quantile(p.health, 0.99))}   (target p99 < 50 ms)\n`,
      );

    printProbe('quiet', await probeFor(5));

    // The console pages one after the other, round after round, while the prober runs.
    attest.length = 0;
    health.length = 0;
    probing = true;
    const lanes = [0, 1, 2, 3].map(probe);
    const timings = new Map<string, number[]>(PAGES.map((page) => [page, []]));
    for (let round = -2; round < rounds; round++) {
      for (const page of PAGES) {
        const started = performance.now();
        const response = await fetch(`${origin}${page}`, { headers: { Cookie: session }, redirect: 'manual' });
        await response.text();
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`${page} answered ${response.status}`);
        if (round >= 0) timings.get(page)!.push(elapsed);
      }
    }
    probing = false;
    await Promise.all(lanes);
    const busy = { attest: [...attest].sort((a, b) => a - b), health: [...health].sort((a, b) => a - b) };

    const all: number[] = [];
    for (const [page, list] of timings) {
      list.sort((a, b) => a - b);
      all.push(...list);
      process.stdout.write(`  ${page.replace(/after=[\w-]+/, 'after=…(deep)').padEnd(54)} median ${ms(quantile(list, 0.5))}   p95 ${ms(quantile(list, 0.95))}\n`);
    }
    all.sort((a, b) => a - b);
    process.stdout.write(`${dialect}: ${all.length} console pages at ${count.toLocaleString('en')} clusters   median ${ms(quantile(all, 0.5))}   p95 ${ms(quantile(all, 0.95))}   max ${ms(all.at(-1)!)}   (target p95 < 100 ms); load average ${loadavg()[0]!.toFixed(1)}\n`);
    printProbe('while the console is used', busy);
  } finally {
    server.kill();
    await registry.close();
  }
}
