// Attestation route against two baselines serving the same bytes and headers: a bare Hono
// app and a bare node:http server. wrk, 64 connections, rounds taking turns between the
// three, so a busy machine slows them alike.
//   npx tsx tests/bench/attestation.ts [--dialect sqlite|postgres] [--seconds 5] [--rounds 5] [--etag miss|match] [--pin]
// The figure that holds on a shared machine is the server's CPU time per request, read
// from /proc/<pid>/stat (every thread of the process: the adapter, libuv, GC) before and
// after each run; req/s and p99 are printed beside it.
// --etag miss sends an If-None-Match that never matches (200s); --etag match sends each
// cluster's current ETag (304s; the baselines answer 304 to theirs). --pin runs every
// server on CPU 0 and wrk (one thread) on CPU 1. The issuer runs as `npm start` runs it:
// dist/server/main.js, built by `npm run build`. Every server's standard output goes to a
// file, as a log collector would take it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { processCpuSeconds, median, rssMb, seedBenchClusters, startServerProcess, wrk, type WrkRun } from './support.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '5' }, clusters: { type: 'string', default: '200' }, etag: { type: 'string', default: 'none' }, pin: { type: 'boolean', default: false } } });
if (!['none', 'miss', 'match'].includes(values.etag)) throw new Error('--etag must be miss or match');
const seconds = Number(values.seconds);
const clusters = Number(values.clusters);
const pin = values.pin;

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(1);
}

const bench = await seedBenchClusters(values.dialect, clusters);
const PORTS = { ours: 9301, hono: 9302, node: 9303 };
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill()));

const start = async (args: string[], port: number, extra: Record<string, string> = {}) => {
  const child = await startServerProcess(args, port, bench, { pin, extra, ready: '/v1/clusters/bench-1/attestation' });
  children.push(child);
  return child;
};

const ours = await start(['dist/server/main.js'], PORTS.ours);
const idleRss = rssMb(ours.pid!);
const bodySize = (await (await fetch(`http://127.0.0.1:${PORTS.ours}/v1/clusters/bench-1/attestation`)).text()).length;
// Tokens stay cached, their ETags the same, for half their lifetime: longer than a run.
const etags: string[] = [];
for (let i = 1; i <= clusters; i++) etags[i] = (await fetch(`http://127.0.0.1:${PORTS.ours}/v1/clusters/bench-${i}/attestation`)).headers.get('etag')!;
const BASELINE_ETAG = '"0123456789abcdefghijkl"';
const rotate = (name: string, etag?: (i: number) => string) => bench.rotateScript(name, clusters, (i) => `/v1/clusters/bench-${i}/attestation`, etag);
const oursScript = rotate('ours', values.etag === 'match' ? (i) => etags[i]! : values.etag === 'miss' ? () => '"nomatch"' : undefined);
const baselineScript = rotate('baseline', values.etag === 'match' ? () => BASELINE_ETAG : values.etag === 'miss' ? () => '"nomatch"' : undefined);
const hono = await start(['tests/bench/baseline-hono.ts'], PORTS.hono, { BODY_SIZE: String(bodySize) });
const node = await start(['tests/bench/baseline-node.ts'], PORTS.node, { BODY_SIZE: String(bodySize) });

const targets = [
  ['cluster-label', PORTS.ours, ours, oursScript],
  ['bare Hono', PORTS.hono, hono, baselineScript],
  ['bare node:http', PORTS.node, node, baselineScript],
] as const;
interface Run extends WrkRun { cpuUs: number }
const results: Record<string, Run[]> = {};
const loads: number[] = [];
// Not counted: until the JIT has compiled the hot paths, a server spends more per request.
for (const [, port, child, script] of targets) await wrk(port, child.pid!, script, { seconds: 2, pin });
for (let round = 0; round < Number(values.rounds); round++) {
  // The order turns each round, so none is always first after a pause.
  const order = [...targets.slice(round % 3), ...targets.slice(0, round % 3)];
  for (const [name, port, child, script] of order) {
    const cpuBefore = processCpuSeconds(child.pid!);
    const run = await wrk(port, child.pid!, script, { seconds, pin });
    const cpuUs = ((processCpuSeconds(child.pid!) - cpuBefore) * 1e6) / run.requests;
    (results[name] ??= []).push({ ...run, cpuUs });
    loads.push(loadavg()[0]!);
  }
}
// Tried twice: the connection kept alive from before the runs has been closed by the server.
const check = () => fetch(`http://127.0.0.1:${PORTS.ours}/v1/clusters/bench-1/attestation`, values.etag === 'match' ? { headers: { 'If-None-Match': etags[1]! } } : {});
const after = await check().catch(check);
for (const [, , child] of targets) child.kill();
await bench.close();

const o = results['cluster-label']!;
const h = results['bare Hono']!;
const n = results['bare node:http']!;
console.log(
  `attestation benchmark — ${values.dialect}, ${clusters} clusters, wrk -t${pin ? '1 (pinned: servers on CPU 0, wrk on CPU 1)' : 2} -c64 -d${seconds}s × ${values.rounds} rounds in turn, body ${bodySize} B${values.etag === 'none' ? '' : `, If-None-Match (${values.etag}: last answer ${after.status})`}; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
for (const [name, runs] of Object.entries(results)) {
  const errors = runs.reduce((sum, r) => sum + r.errors, 0);
  console.log(
    `  ${name.padEnd(15)} ${median(runs.map((r) => r.rps)).toFixed(0).padStart(7)} req/s   CPU ${median(runs.map((r) => r.cpuUs)).toFixed(1).padStart(5)} µs/request   p99 ${median(runs.map((r) => r.p99)).toFixed(2).padStart(6)} ms   errors ${errors}   peak RSS ${Math.max(...runs.map((r) => r.rss)).toFixed(0)} MB`,
  );
}
// Ratios per round (the runs of a round are next to each other in time), then their median.
const perRound = (a: Run[], b: Run[], f: (x: Run, y: Run) => number) => a.map((x, i) => f(x, b[i]!));
const efficiency = (a: Run, b: Run) => b.cpuUs / a.cpuUs;
const throughput = (a: Run, b: Run) => a.rps / b.rps;
const show = (xs: number[]) => `${median(xs).toFixed(2)}× (rounds ${xs.map((x) => x.toFixed(2)).join(' ')})`;
console.log(`  CPU efficiency (their CPU per request / ours): vs bare Hono ${show(perRound(o, h, efficiency))}; vs node:http ${show(perRound(o, n, efficiency))}`);
console.log(`  req/s ratio: vs bare Hono ${show(perRound(o, h, throughput))}; vs node:http ${show(perRound(o, n, throughput))}`);
console.log(`  cluster-label: idle RSS ${idleRss.toFixed(0)} MB; ${(1e6 / median(o.map((r) => r.cpuUs))).toFixed(0)} requests per second of one core`);
