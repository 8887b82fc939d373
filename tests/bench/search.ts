/**
 * The register's search at scale: seeds 100,000 fictional clusters into a fresh
 * registry and times whole search pages (`GET /clusters?…`, rendered HTML, in
 * process: no network) and open-data pages (`GET /v1/clusters?…`, JSON), printing
 * the median and p95 (deep open-data pages both by number and by cursor); then streams the whole CSV export (`GET /v1/clusters.csv`)
 * and samples this process's resident memory while it does.
 *
 *   npx tsx tests/bench/search.ts [--dialect sqlite|postgres] [--clusters 100000] [--rounds 30]
 *
 * PostgreSQL needs TEST_DATABASE_URL (a database is created and dropped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { parseArgs } from 'node:util';
import { startTestServer, type TestDialect } from '../support/server.ts';
import { seedRegister } from './register.ts';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    clusters: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '30' },
  },
});
const dialect = values.dialect as TestDialect;
if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('--dialect must be sqlite or postgres');
const count = Number(values.clusters);
const rounds = Number(values.rounds);

const NOW = new Date('2026-06-15T10:00:00Z');

const PAGES = [
  '/clusters',
  '/clusters?q=photonics',
  '/clusters?q=norka+energy',
  '/clusters?q=cluster&status=expired',
  '/clusters?q=ka',
  '/clusters?country=DE&level=gold',
  '/clusters?status=valid&sort=valid-until',
  '/clusters?level=silver&status=revoked&sort=-name',
  '/clusters?country=FR&sort=-valid-until&page=20',
  '/clusters?page=2000',
];

const OPEN_DATA_PAGES = ['/v1/clusters', '/v1/clusters?q=photonics', '/v1/clusters?country=DE&level=gold', '/v1/clusters?scheme=ecei&country=DE'];
/** Deep pages, each measured twice: by number (an offset) and by the cursor a walk holds there (`after`). About 43,000 clusters are valid: page 800 is near their end. */
const DEEP_PAGES = ['/v1/clusters?status=valid&page=800', '/v1/clusters?sort=-valid-until&page=1000'];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;

const server = await startTestServer(dialect, { now: () => NOW });
try {
  const seeding = performance.now();
  await seedRegister(server.database, count, NOW);
  process.stdout.write(`${dialect}: seeded ${count.toLocaleString('en')} clusters in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);

  /**
   * PostgreSQL's own CPU time, in ms, in the backends that serve this registry's database
   * (a database of its own): each backend's `/proc/<pid>/schedstat` (nanoseconds on a CPU),
   * when the server runs on this machine. With this process's CPU time it is what a page
   * costs an idle machine, which its wall time on a shared one is not. 0 for SQLite.
   */
  let backends: number[] = [];
  const findBackends = async () => {
    if (dialect !== 'postgres') return;
    const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(server.database.db);
    backends = rows.map((row) => row.pid).filter((pid) => existsSync(`/proc/${pid}/schedstat`));
  };
  const databaseCpuMs = () => backends.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}/schedstat`) ? Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6 : 0), 0);

  /** Times `pages` in turn, round after round, and prints each; `summaries` name groups of them to print together. */
  const timePages = async (pages: string[], summaries: Record<string, string[]>) => {
    const timings = new Map<string, number[]>(pages.map((page) => [page, []]));
    const cpu = new Map<string, number[]>(pages.map((page) => [page, []]));
    const first = new Map<string, number>();
    for (let round = -3; round < rounds; round++) {
      await findBackends();
      for (const page of pages) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const databaseBefore = databaseCpuMs();
        const response = await server.app.request(page);
        await response.text();
        const elapsed = performance.now() - started;
        const { user, system } = process.cpuUsage(cpuBefore);
        const database = databaseCpuMs() - databaseBefore;
        if (response.status !== 200) throw new Error(`${page} answered ${response.status}`);
        // The first visit counts every match (`MatchCounts` keeps the count until the register changes).
        if (round === -3) first.set(page, elapsed);
        // The first rounds warm caches and are not counted.
        if (round >= 0) {
          timings.get(page)!.push(elapsed);
          cpu.get(page)!.push((user + system) / 1000 + database);
        }
      }
    }
    // CPU time for a page holds on a busy machine where its wall time does not: this
    // process's, and with PostgreSQL its backends' too (`databaseCpuMs`). It is the whole
    // cost of the page: with SQLite the latency of an idle core (it runs in this thread);
    // with PostgreSQL, whose page sends some queries at once, at most that.
    for (const [page, list] of timings) {
      list.sort((a, b) => a - b);
      const spent = cpu.get(page)!.sort((a, b) => a - b);
      process.stdout.write(`  ${page.replace(/after=[\w-]+/, 'after=…').padEnd(52)} median ${ms(quantile(list, 0.5))}   p95 ${ms(quantile(list, 0.95))}   CPU median ${ms(quantile(spent, 0.5))}${dialect === 'postgres' ? ' (issuer + database)' : ''}\n`);
    }
    for (const [what, group] of Object.entries(summaries)) {
      const all = group.flatMap((page) => timings.get(page)!).sort((a, b) => a - b);
      const spent = group.flatMap((page) => cpu.get(page)!).sort((a, b) => a - b);
      process.stdout.write(`${dialect}: ${all.length} ${what}   median ${ms(quantile(all, 0.5))}   p95 ${ms(quantile(all, 0.95))}   (target p95 < 50 ms)   CPU p95 ${ms(quantile(spent, 0.95))}; load average ${loadavg()[0]!.toFixed(1)}\n`);
      const firsts = group.map((page) => first.get(page)!).sort((a, b) => a - b);
      process.stdout.write(`${dialect}:   first visit of each (every match counted): median ${ms(quantile(firsts, 0.5))}   slowest ${ms(firsts.at(-1)!)}\n`);
    }
  };
  await timePages(PAGES, { 'search pages': PAGES });

  // The address a walk by cursor holds for the same page: the `next` of the page before it.
  const ids = async (address: string) => ((await (await server.app.request(address)).json()) as { items: { id: string }[] }).items.map((item) => item.id).join();
  const cursors: string[] = [];
  for (const address of DEEP_PAGES) {
    const before = address.replace(/page=(\d+)/, (_, n: string) => `page=${Number(n) - 1}`);
    const { next } = (await (await server.app.request(before)).json()) as { next: string };
    const cursor = next.slice(server.config.publicUrl.length);
    if ((await ids(cursor)) !== (await ids(address))) throw new Error(`${cursor} is not the same page as ${address}`);
    cursors.push(cursor);
  }
  // Measured side by side; a client walking the register reaches deep pages by cursor.
  await timePages([...OPEN_DATA_PAGES, ...DEEP_PAGES.flatMap((address, i) => [address, cursors[i]!])], {
    'open-data pages, deep ones by cursor': [...OPEN_DATA_PAGES, ...cursors],
    'deep open-data pages by number': DEEP_PAGES,
  });

  // The CSV export, read as fast as it comes: memory should stay flat however many rows.
  const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
  const rssBefore = rssMb();
  // Sampled in the read loop: an in-process stream may never leave room for a timer.
  const samples: number[] = [];
  const started = performance.now();
  const response = await server.app.request('/v1/clusters.csv');
  let bytes = 0;
  let rows = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const byte of value) if (byte === 10) rows++;
    samples.push(rssMb());
  }
  const seconds = (performance.now() - started) / 1000;
  const quarter = (i: number) => samples[Math.min(samples.length - 1, Math.floor((i * samples.length) / 4))]!.toFixed(0);
  process.stdout.write(
    `${dialect}: CSV export ${rows - 1} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s; RSS before ${rssBefore.toFixed(0)} MB, at 25/50/75/100 % ${quarter(1)}/${quarter(2)}/${quarter(3)}/${quarter(4)} MB, peak ${Math.max(...samples).toFixed(0)} MB\n`,
  );
} finally {
  await server.cleanup();
}
