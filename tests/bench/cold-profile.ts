/**
 * Where a cold request's time goes: the cold-path server (cold-server.ts: every request
 * reads, proves and signs) under V8's CPU profiler while wrk asks it, at 64 connections,
 * for 200 clusters' attestations. Prints the server's CPU per request (from /proc) and the
 * functions that took the most, in µs per request: by their own time, and with what they
 * call. The profiler samples wall time on the server's thread: on a busy machine a frame
 * also carries the time its thread waited for a core, so compare shares, not sums.
 *
 *   [TEST_DATABASE_URL=postgres://…] npx tsx tests/bench/cold-profile.ts [--dialect sqlite|postgres] [--seconds 8] [--top 25]
 */
import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processCpuSeconds, seedBenchClusters, startServerProcess, wrk } from './support.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '8' }, top: { type: 'string', default: '25' } } });
const PORT = 9305;
const bench = await seedBenchClusters(values.dialect, 200);
const file = join(bench.dataDir, 'cold.cpuprofile');
const server = await startServerProcess(['tests/bench/cold-server.ts'], PORT, bench, { ready: '/healthz', extra: { CPU_PROFILE: file } });
process.on('exit', () => server.kill());
const script = bench.rotateScript('cold', 200, (i) => `/v1/clusters/bench-${i}/attestation`);
await wrk(PORT, server.pid!, script, { seconds: 2 });
server.kill('SIGUSR2');
const cpuBefore = processCpuSeconds(server.pid!);
const run = await wrk(PORT, server.pid!, script, { seconds: Number(values.seconds) });
const cpuUs = ((processCpuSeconds(server.pid!) - cpuBefore) * 1e6) / run.requests;
const load = loadavg()[0]!;
const exited = new Promise((resolve) => server.once('exit', resolve));
server.kill('SIGINT');
await exited;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profiler.Profile;
await bench.close();

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
(profile.samples ?? []).forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
const nameOf = ({ callFrame: { functionName, url, lineNumber } }: Profiler.ProfileNode) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|tests)\//, '$1/')}${url ? `:${lineNumber + 1}` : ''}`;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
/** A frame's time with its callees', counted once per name however deep it recurses. */
function walk(id: number, open: Set<string>): number {
  const node = nodes.get(id)!;
  const name = nameOf(node);
  let spent = selfUs.get(id) ?? 0;
  self.set(name, (self.get(name) ?? 0) + spent);
  const outer = !open.has(name);
  if (outer) open.add(name);
  for (const child of node.children ?? []) spent += walk(child, open);
  if (outer) {
    open.delete(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + spent);
  }
  return spent;
}
walk(profile.nodes[0]!.id, new Set());
const top = (times: Map<string, number>) =>
  [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))
    .map(([name, us]) => `    ${(us / run.requests).toFixed(1).padStart(7)} µs  ${name}`)
    .join('\n');

console.log(`cold-path profile — ${values.dialect}, wrk -c64 -d${values.seconds}s, 200 clusters; load average ${load.toFixed(1)}`);
console.log(`  ${run.requests} requests, ${run.rps.toFixed(0)} req/s, errors ${run.errors}; server CPU ${cpuUs.toFixed(0)} µs per request (/proc)`);
console.log(`  by own time, per request:\n${top(self)}`);
console.log(`  with callees, per request:\n${top(inclusive)}`);
