/**
 * A crawler against the token cache: the issuer as a process of its own
 * (`node dist/server/main.js`) on a register of 100,000 fictional clusters, asked for
 * every cluster's attestation once, 32 requests at a time. Every answer is a fresh
 * signature, and every token would stay in an unbounded cache. The server's resident
 * memory is sampled throughout; the figure is its growth from before the crawl
 * (after 2,000 requests, so the code is warm) to the peak. Beside it, from the server's
 * `--trace-gc` output, its V8 heap: what the tokens that pass through leave as garbage
 * until a full collection, and what the process keeps after each.
 *
 *   npx tsx tests/bench/crawl.ts [--dialect sqlite|postgres] [--clusters 100000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../../server/config.ts';
import { openServices } from '../../server/services.ts';
import { seedRegister } from './register.ts';
import { processCpuSeconds, rssMb, seedBenchClusters, startServerProcess } from './support.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, clusters: { type: 'string', default: '100000' } } });
const count = Number(values.clusters);
const PORT = 9310;
const CONCURRENCY = 32;
const WARM_UP = 2000;

const bench = await seedBenchClusters(values.dialect, 0);
{
  const services = await openServices(readConfig({ ...bench.env, PUBLIC_URL: 'http://localhost:1' }));
  await seedRegister(services.database, count, new Date());
  await services.close();
}
const id = (i: number) => `bench-${(i % count).toString().padStart(6, '0')}`;
const server = await startServerProcess(['dist/server/main.js'], PORT, bench, { ready: `/v1/clusters/${id(0)}/attestation`, node: ['--trace-gc'] });
process.on('exit', () => server.kill());

/**
 * The server's garbage collections, from the `--trace-gc` lines in its output: after
 * each, the V8 heap's `used` MB (live, and for a scavenge also old garbage not yet
 * collected) and `committed` MB (what V8 holds from the system). After a full
 * collection (`Mark-Compact`) `used` is what the process keeps.
 */
const serverLog = join(bench.dataDir, 'server.log');
function collections(): Array<{ full: boolean; used: number; committed: number }> {
  return [...readFileSync(serverLog, 'utf8').matchAll(/: (Scavenge|Mark-Compact)\b[^>]*-> ([\d.]+) \(([\d.]+)\) MB/g)].map((m) => ({ full: m[1] === 'Mark-Compact', used: Number(m[2]), committed: Number(m[3]) }));
}
const heapMb = () => collections().at(-1) ?? { full: false, used: NaN, committed: NaN };

let failures = 0;
/** Asks for ids `from…to-1`, `CONCURRENCY` at a time. */
async function crawl(from: number, to: number, onEach: () => void) {
  let next = from;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) {
        const response = await fetch(`http://127.0.0.1:${PORT}/v1/clusters/${id(next++)}/attestation`);
        await response.text();
        if (response.status !== 200) failures++;
        onEach();
      }
    }),
  );
}

// Warm up on a few ids again and again: the code compiled, the pools filled.
await crawl(0, WARM_UP, () => {});
const before = rssMb(server.pid!);
const heapBefore = heapMb();
const collectionsBefore = collections().length;
const cpuBefore = processCpuSeconds(server.pid!);
const samples: number[] = [];
let done = 0;
const started = performance.now();
const sampler = setInterval(() => samples.push(rssMb(server.pid!)), 250);
const atTenths: number[] = [];
const heapAtTenths: Array<{ used: number; committed: number }> = [];
await crawl(0, count, () => {
  if (++done % (count / 10) === 0) {
    atTenths.push(rssMb(server.pid!));
    heapAtTenths.push(heapMb());
  }
});
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
const cpu = processCpuSeconds(server.pid!) - cpuBefore;
const peak = Math.max(before, ...samples, ...atTenths);
const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
server.kill();
await bench.close();

console.log(`crawl — ${values.dialect}, ${count.toLocaleString('en')} distinct ids, ${CONCURRENCY} at a time, every answer signed; load average ${loadavg()[0]!.toFixed(1)}`);
console.log(`  ${(count / seconds).toFixed(0)} tokens/s, server CPU ${((cpu * 1e6) / count).toFixed(0)} µs per token; ${failures} failures`);
console.log(`  RSS before ${before.toFixed(0)} MB; at each tenth ${atTenths.map((x) => x.toFixed(0)).join(' ')} MB; peak ${peak.toFixed(0)} MB (${/VmHWM:\s+(\d+)/.exec(status)![1]} kB high-water mark)`);
console.log(`  growth ${(peak - before).toFixed(1)} MB (target: within 20 MB)`);
const heapLine = (heap: { used: number; committed: number }) => `${heap.used.toFixed(0)}/${heap.committed.toFixed(0)}`;
const full = collections().slice(collectionsBefore).filter((gc) => gc.full).map((gc) => gc.used);
console.log(`  V8 heap after the latest GC, used/committed MB: before ${heapLine(heapBefore)}; at each tenth ${heapAtTenths.map(heapLine).join(' ')}`);
console.log(`  kept (heap used after each of the crawl's ${full.length} full collections): ${full.length ? `${Math.min(...full).toFixed(0)}–${Math.max(...full).toFixed(0)} MB` : 'none'}, against ${heapBefore.used.toFixed(0)} MB before`);
