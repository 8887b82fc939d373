// Attestation throughput against two baselines, measured side by side with wrk.
//   npx tsx tests/bench/attestation.ts [--dialect sqlite|postgres] [--seconds 10] [--rounds 3] [--etag miss|match]
//   [--pin]
// --etag miss sends an If-None-Match that never matches (200s); --etag match sends each
// cluster's current ETag (304s; the baselines answer 304 to theirs). The issuer runs as
// `npm start` runs it: dist/server/main.js, built by `npm run build`.
// Every server's standard output goes to a file, as a log collector would take it: a pipe
// this process did not read while wrk runs would fill and hold the logs in the server's memory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '../../server/config.ts';
import { openServices } from '../../server/services.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, clusters: { type: 'string', default: '200' }, etag: { type: 'string', default: 'none' }, pin: { type: 'boolean', default: false } } });
// --pin: every server on CPU 0 and wrk (one thread) on CPU 1, so client and server do not share a core.
const pin = values.pin;
if (!['none', 'miss', 'match'].includes(values.etag)) throw new Error('--etag must be miss or match');
const seconds = Number(values.seconds);
const clusters = Number(values.clusters);

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'cluster-label-bench-'));
const kek = Buffer.alloc(32, 9).toString('base64');
let databaseUrl: string | undefined;
if (values.dialect === 'postgres') {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query('drop database if exists cluster_label_bench with (force)');
  await admin.query('create database cluster_label_bench');
  await admin.end();
  const url = new URL(base);
  url.pathname = '/cluster_label_bench';
  databaseUrl = url.toString();
}
const env = { DATA_DIR: dataDir, SEED_DEMO: 'off', DEMO_PORT: '0', KEY_ENCRYPTION_KEY: kek, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };

// Seed the registry: half valid labels, the rest spread over the other states.
{
  const services = await openServices(readConfig({ ...env, PUBLIC_URL: 'http://localhost:1' }));
  for (let i = 1; i <= clusters; i++) {
    const id = `bench-${i}`;
    await services.registry.createCluster({ id, name: `Bench Cluster ${i}`, organisation: 'Bench', country: 'DE', portfolio: 'Benchmarks', sites: ['https://www.example.org'], contactEmail: null }, 'bench');
    if (i % 4 !== 0) await services.registry.award(id, { level: (['bronze', 'silver', 'gold'] as const)[i % 3]! }, 'bench');
  }
  await services.close();
}

/** A wrk script that rotates over the clusters, with `etags[i]` as If-None-Match when given. */
function rotateScript(name: string, etags?: (i: number) => string): string {
  const path = join(dataDir, `${name}.lua`);
  const lua = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const table = etags ? `local etags = { ${Array.from({ length: clusters }, (_, i) => lua(etags(i + 1))).join(', ')} }\n` : '';
  writeFileSync(
    path,
    `${table}local i = 0
request = function()
  i = (i % ${clusters}) + 1
  return wrk.format("GET", "/v1/clusters/bench-" .. i .. "/attestation"${etags ? ', { ["If-None-Match"] = etags[i] }' : ''})
end
`,
  );
  return path;
}

const children: ChildProcess[] = [];
// A failed run must not leave servers behind on the benchmark's ports.
process.on('exit', () => {
  for (const child of children) child.kill();
});

const logFile = join(dataDir, 'server.log');
const log = openSync(logFile, 'a');

async function startProcess(args: string[], port: number, extra: Record<string, string> = {}): Promise<ChildProcess> {
  const runner = args[0]!.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(pin ? 'taskset' : process.execPath, [...(pin ? ['-c', '0', process.execPath] : []), ...runner, ...args], { env: { ...process.env, ...env, ...extra, PORT: String(port), PUBLIC_URL: `http://localhost:${port}` }, stdio: ['ignore', log, 'inherit'] });
  children.push(child);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/clusters/bench-1/attestation`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

interface Run { rps: number; p99: number; errors: number; rss: number }

async function wrk(port: number, pid: number, script: string): Promise<Run> {
  let peak = 0;
  // wrk runs as a child while this process samples the server's memory.
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 200);
  const args = [`-t${pin ? 1 : 2}`, '-c64', `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`];
  const child = spawn(pin ? 'taskset' : 'wrk', pin ? ['-c', '1', 'wrk', ...args] : args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
  const p99raw = /99%\s+([\d.]+)(us|ms|s)/.exec(out)!;
  const p99 = Number(p99raw[1]) * (p99raw[2] === 'us' ? 0.001 : p99raw[2] === 's' ? 1000 : 1);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  return { rps, p99, errors, rss: peak };
}

const ours = await startProcess(['dist/server/main.js'], 18787);
const idleRss = rssMb(ours.pid!);
const bodySize = (await (await fetch('http://127.0.0.1:18787/v1/clusters/bench-1/attestation')).text()).length;
// The tokens stay cached (and their ETags the same) for half their lifetime, longer than a run.
const etags: string[] = [];
for (let i = 1; i <= clusters; i++) etags[i] = (await fetch(`http://127.0.0.1:18787/v1/clusters/bench-${i}/attestation`)).headers.get('etag')!;
const BASELINE_ETAG = '"0123456789abcdefghijkl"';
const oursScript = rotateScript('ours', values.etag === 'match' ? (i) => etags[i]! : values.etag === 'miss' ? () => '"nomatch"' : undefined);
const baselineScript = rotateScript('baseline', values.etag === 'match' ? () => BASELINE_ETAG : values.etag === 'miss' ? () => '"nomatch"' : undefined);
const hono = await startProcess(['tests/bench/baseline-hono.ts'], 18788, { BODY_SIZE: String(bodySize) });
const node = await startProcess(['tests/bench/baseline-node.ts'], 18789, { BODY_SIZE: String(bodySize) });

const targets = [
  ['cluster-label', 18787, ours, oursScript],
  ['bare Hono', 18788, hono, baselineScript],
  ['bare node:http', 18789, node, baselineScript],
] as const;
const results: Record<string, Run[]> = {};
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, port, child, script] of targets) (results[name] ??= []).push(await wrk(port, child.pid!, script));
}
// Tried twice: the connection kept alive from before the runs has been closed by the server.
const check = () => fetch(`http://127.0.0.1:18787/v1/clusters/bench-1/attestation`, values.etag === 'match' ? { headers: { 'If-None-Match': etags[1]! } } : {});
const after = await check().catch(check);
for (const [, , child] of targets) child.kill();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = Object.fromEntries(Object.entries(results).map(([name, runs]) => [name, { rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)), errors: runs.reduce((a, r) => a + r.errors, 0), rss: Math.max(...runs.map((r) => r.rss)) }]));
const o = summary['cluster-label']!;
const h = summary['bare Hono']!;
const n = summary['bare node:http']!;
console.log(`attestation benchmark — ${values.dialect}, ${clusters} clusters, wrk -t${pin ? '1 (pinned: servers on CPU 0, wrk on CPU 1)' : 2} -c64 -d${seconds}s × ${values.rounds} rounds, body ${bodySize} B${values.etag === 'none' ? '' : `, If-None-Match (${values.etag}: last answer ${after.status})`}`);
for (const [name, s] of Object.entries(summary)) {
  console.log(`  ${name.padEnd(16)} ${s.rps.toFixed(0).padStart(7)} req/s   p99 ${s.p99.toFixed(2).padStart(6)} ms   errors ${s.errors}   peak RSS ${s.rss.toFixed(0)} MB`);
}
console.log(`  cluster-label idle RSS ${idleRss.toFixed(0)} MB (target peak < 150 MB); request log ${(statSync(logFile).size / 1024 / 1024).toFixed(0)} MB`);
console.log(`  ratio to bare Hono: ${(o.rps / h.rps).toFixed(2)}× req/s, ${(o.p99 / h.p99).toFixed(2)}× p99;  to bare node:http: ${(o.rps / n.rps).toFixed(2)}× req/s`);
