/**
 * What a crawler costs the issuer's memory: a register of 100,000 fictional clusters,
 * and the issuer as a process of its own (`cold-server.ts`, started afresh for every run)
 * asked 32 requests at a time, in two kinds of run taking turns:
 *
 * - the CONTROL: as many cold requests as the crawl makes, over 200 ids only, with the
 *   token cache emptied before each (every answer read, proved and signed, nothing kept);
 * - the CRAWL: every one of the 100,000 ids once, with the cache as in production.
 *
 * Both sign every answer, so what the crawl's memory has beyond the control's is what
 * the crawl itself costs: the tokens the cache admits and drops, not the signing. The
 * server's resident memory is sampled throughout; each run's figure is its growth from
 * before (after 2,000 warm-up requests, so the code is warm) to the peak. Beside it, from
 * the server's `--trace-gc` output, its V8 heap after each full collection: what the
 * process keeps.
 *
 *   npx tsx tests/bench/crawl.ts [--dialect sqlite|postgres] [--clusters 100000] [--pairs 2]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../../server/config.ts';
import { openServices } from '../../server/services.ts';
import { seedRegister } from './register.ts';
import { median, processCpuSeconds, rssMb, seedBenchClusters, startServerProcess } from './support.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, clusters: { type: 'string', default: '100000' }, pairs: { type: 'string', default: '2' } } });
const count = Number(values.clusters);
const PORT = 9310;
const CONCURRENCY = 32;
const WARM_UP = 2000;
const CONTROL_IDS = 200;

const bench = await seedBenchClusters(values.dialect, 0);
{
  const services = await openServices(readConfig({ ...bench.env, PUBLIC_URL: 'http://localhost:1' }));
  await seedRegister(services.database, count, new Date());
  await services.close();
}
const id = (i: number) => `bench-${(i % count).toString().padStart(6, '0')}`;
const serverLog = join(bench.dataDir, 'server.log');

/**
 * The server's garbage collections, from the `--trace-gc` lines in its output: after
 * each, the V8 heap's `used` MB (live, and for a scavenge also old garbage not yet
 * collected) and `committed` MB (what V8 holds from the system). After a full
 * collection (`Mark-Compact`) `used` is what the process keeps.
 */
function collections(): Array<{ full: boolean; used: number; committed: number }> {
  return [...readFileSync(serverLog, 'utf8').matchAll(/: (Scavenge|Mark-Compact)\b[^>]*-> ([\d.]+) \(([\d.]+)\) MB/g)].map((m) => ({ full: m[1] === 'Mark-Compact', used: Number(m[2]), committed: Number(m[3]) }));
}

interface Run {
  kind: 'control' | 'crawl';
  load: number;
  before: number;
  atTenths: number[];
  peak: number;
  kept: number[];
  heapBefore: number;
  cpuUs: number;
  perSecond: number;
  failures: number;
}

/** A fresh server; `WARM_UP` cold requests; then `count` requests, over every id (crawl) or `CONTROL_IDS` ids with nothing cached (control). */
async function run(kind: Run['kind']): Promise<Run> {
  writeFileSync(serverLog, '');
  const server = await startServerProcess(['tests/bench/cold-server.ts'], PORT, bench, { ready: '/healthz', node: ['--trace-gc'], extra: kind === 'crawl' ? { CACHE: 'keep' } : {} });
  try {
    let failures = 0;
    const ask = async (from: number, to: number, idOf: (i: number) => string, onEach: () => void) => {
      let next = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < to) {
            const response = await fetch(`http://127.0.0.1:${PORT}/v1/clusters/${idOf(next++)}/attestation`);
            await response.text();
            if (response.status !== 200) failures++;
            onEach();
          }
        }),
      );
    };
    // Warm-up: the code compiled, the pools filled; the same cold requests in both kinds of run.
    await ask(count - WARM_UP, count, id, () => {});
    const before = rssMb(server.pid!);
    const heapBefore = collections().at(-1)?.used ?? NaN;
    const collectionsBefore = collections().length;
    const cpuBefore = processCpuSeconds(server.pid!);
    const samples: number[] = [];
    const atTenths: number[] = [];
    let done = 0;
    const started = performance.now();
    const sampler = setInterval(() => samples.push(rssMb(server.pid!)), 250);
    await ask(0, count, kind === 'crawl' ? id : (i) => id(i % CONTROL_IDS), () => {
      if (++done % (count / 10) === 0) atTenths.push(rssMb(server.pid!));
    });
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const cpu = processCpuSeconds(server.pid!) - cpuBefore;
    const kept = collections().slice(collectionsBefore).filter((gc) => gc.full).map((gc) => gc.used);
    return { kind, load: loadavg()[0]!, before, atTenths, peak: Math.max(before, ...samples, ...atTenths), kept, heapBefore, cpuUs: (cpu * 1e6) / count, perSecond: count / seconds, failures };
  } finally {
    server.kill();
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

const runs: Run[] = [];
for (let pair = 0; pair < Number(values.pairs); pair++) {
  // The order turns each pair, so neither kind always runs on a machine the other has just warmed.
  for (const kind of pair % 2 === 0 ? (['control', 'crawl'] as const) : (['crawl', 'control'] as const)) {
    const result = await run(kind);
    runs.push(result);
    console.error(`  ${kind} done: growth ${(result.peak - result.before).toFixed(1)} MB, load ${result.load.toFixed(1)}`);
  }
}
await bench.close();

const mb = (x: number) => x.toFixed(0);
console.log(`crawl against control — ${values.dialect}, ${count.toLocaleString('en')} requests a run, ${CONCURRENCY} at a time, every answer signed; a fresh server each run`);
for (const r of runs) {
  const label = r.kind === 'crawl' ? `CRAWL of ${count.toLocaleString('en')} ids` : `CONTROL over ${CONTROL_IDS} ids`;
  console.log(`  ${label.padEnd(24)} load ${r.load.toFixed(1)}: RSS before ${mb(r.before)} MB; at each tenth ${r.atTenths.map((x) => mb(x - r.before)).join(' ')} MB above it; peak +${(r.peak - r.before).toFixed(1)} MB`);
  console.log(`  ${''.padEnd(24)} heap kept after each of ${r.kept.length} full collections ${r.kept.length ? `${mb(Math.min(...r.kept))}–${mb(Math.max(...r.kept))}` : '—'} MB (${mb(r.heapBefore)} before); ${r.cpuUs.toFixed(0)} µs server CPU per token, ${r.perSecond.toFixed(0)}/s, ${r.failures} failures`);
}
const growth = (kind: Run['kind']) => median(runs.filter((r) => r.kind === kind).map((r) => r.peak - r.before));
const curve = (kind: Run['kind']) => Array.from({ length: 10 }, (_, t) => median(runs.filter((r) => r.kind === kind).map((r) => (r.atTenths[t] ?? NaN) - r.before)));
const crawlCurve = curve('crawl');
const controlCurve = curve('control');
console.log(`  median growth: crawl +${growth('crawl').toFixed(1)} MB, control +${growth('control').toFixed(1)} MB`);
console.log(`  the crawl beyond the control: peak ${(growth('crawl') - growth('control')).toFixed(1)} MB (target: within 20 MB); at each tenth ${crawlCurve.map((x, t) => (x - controlCurve[t]!).toFixed(0)).join(' ')} MB`);
