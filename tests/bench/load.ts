/**
 * Load runs: the issuer as a process of its own under wrk (64 connections for 60 s a run by
 * default), first on the attestation route (rotating over the clusters), then on the register
 * (`/clusters` with and without a query, `/v1/clusters` JSON), its resident memory sampled
 * every second. Prints req/s, p99, errors (non-2xx/3xx answers and socket errors: there must
 * be none) and the memory at the start, middle and end of each run and its peak.
 *
 *   npx tsx tests/bench/load.ts [--seconds 60] [--connections 64] [--dialect sqlite|postgres]
 *     [--instances 1|2] [--clusters 1000] [--timeout 2s]
 *
 * --instances 2 (PostgreSQL only) runs two issuers on one database, each taking half the
 * connections at the same time. The issuer runs as `npm start` runs it: dist/server/main.js (`npm run build`).
 * The issuers' standard output (the request log) goes to a file, as a log collector would take it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TestDialect } from '../support/server.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '64' },
    dialect: { type: 'string', default: 'sqlite' },
    instances: { type: 'string', default: '1' },
    clusters: { type: 'string', default: '1000' },
    // wrk's own default: an answer slower than this counts as a socket error.
    timeout: { type: 'string', default: '2s' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const instances = Number(values.instances);
const clusters = Number(values.clusters);
if (!['sqlite', 'postgres'].includes(values.dialect)) throw new Error('--dialect must be sqlite or postgres');
if (instances !== 1 && instances !== 2) throw new Error('--instances must be 1 or 2');
if (instances === 2 && values.dialect !== 'postgres') throw new Error('two instances share a registry on PostgreSQL only: add --dialect postgres');
if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: apt-get install -y wrk');

/** The command line that starts one issuer. */
const issuerArgs = () => ['dist/server/main.js'];

const PORTS = [18801, 18802].slice(0, instances);
const PUBLIC_URL = `http://localhost:${PORTS[0]}`;
const KEY_ENCRYPTION_KEY = Buffer.alloc(32, 5).toString('base64');

// The tests' own fresh registry (a temporary SQLite file, or a new PostgreSQL database dropped
// at the end); the issuers under load open it from their own processes.
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const { startTestServer } = await import('../support/server.ts');
const registry = await startTestServer(values.dialect as TestDialect, { env: { PUBLIC_URL, KEY_ENCRYPTION_KEY } });
const env: Record<string, string> = {
  DATA_DIR: registry.dataDir,
  PUBLIC_URL,
  SEED_DEMO: 'off',
  DEMO_PORT: '0',
  KEY_ENCRYPTION_KEY,
  ...(registry.databaseUrl ? { DATABASE_URL: registry.databaseUrl } : {}),
};

const TOPICS = ['Photonics', 'Energy', 'Mobility', 'Health', 'Maritime', 'Food', 'Textile', 'Aerospace'];
const COUNTRIES = ['DE', 'FR', 'ES', 'IT', 'PL', 'AT', 'SE', 'PT'];
const LEVELS = ['bronze', 'silver', 'gold'] as const;

// Fictional clusters over several topics and countries; three in four hold a label.
for (let i = 1; i <= clusters; i++) {
  const topic = TOPICS[i % TOPICS.length]!;
  await registry.registry.createCluster(
    { id: `load-${i}`, name: `${topic} Cluster ${i}`, organisation: 'Load test', country: COUNTRIES[i % COUNTRIES.length]!, portfolio: topic, sites: ['https://www.example.org'], contactEmail: null },
    'bench',
  );
  if (i % 4 !== 0) await registry.registry.award(`load-${i}`, { level: LEVELS[i % LEVELS.length]! }, 'bench');
}

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill();
});
const logFile = join(registry.dataDir, 'requests.log');
const log = openSync(logFile, 'a');

async function startIssuer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, issuerArgs(), { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', log, 'inherit'] });
  children.push(child);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the issuer on port ${port} exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

/** A wrk script that asks for each path in turn. */
function rotating(name: string, paths: string[]): string {
  const file = join(registry.dataDir, `${name}.lua`);
  writeFileSync(
    file,
    `local paths = { ${paths.map((p) => JSON.stringify(p)).join(', ')} }
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`,
  );
  return file;
}

interface Result {
  requests: number;
  rps: number;
  p99: number;
  /** Errors by kind: non-2xx/3xx answers, and socket errors on connect, read, write and timeout. */
  errors: Record<string, number>;
}

const MS = { us: 0.001, ms: 1, s: 1000 } as const;

/** One wrk run against one issuer; its figures read from wrk's report. */
async function wrk(port: number, script: string, conns: number): Promise<Result> {
  const child = spawn('wrk', ['-t2', `-c${conns}`, `-d${seconds}s`, '--timeout', values.timeout, '--latency', '-s', script, `http://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const number = (pattern: RegExp) => Number(pattern.exec(report)?.[1] ?? NaN);
  const p99 = /99%\s+([\d.]+)(us|ms|s)\b/.exec(report);
  if (!p99) process.stderr.write(`no p99 in wrk's report:\n${report}\n`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p99: p99 ? Number(p99[1]) * MS[p99[2] as keyof typeof MS] : NaN,
    errors: {
      status: Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0),
      ...Object.fromEntries(['connect', 'read', 'write', 'timeout'].map((kind, i) => [kind, Number(socket?.[i + 1] ?? 0)])),
    },
  };
}

const issuers: ChildProcess[] = [];
for (const port of PORTS) issuers.push(await startIssuer(port));
const idle = issuers.map((child) => rssMb(child.pid!));

const runs: [string, string][] = [
  ['attestation, rotating over the clusters', rotating('attestation', Array.from({ length: clusters }, (_, i) => `/v1/clusters/load-${i + 1}/attestation`))],
  ['register page /clusters', rotating('register', ['/clusters'])],
  ['register search /clusters?q=…', rotating('search', ['/clusters?q=photonics', '/clusters?q=energy&level=gold', '/clusters?country=FR', '/clusters?q=cluster+12&status=valid'])],
  ['open data /v1/clusters', rotating('open-data', ['/v1/clusters'])],
];

console.log(
  `load — ${values.dialect}, ${instances} instance${instances > 1 ? 's on one database' : ''}, ${clusters} clusters, ` +
    `wrk -t2 -c${connections}${instances > 1 ? ` (${connections / instances} per instance)` : ''} -d${seconds}s --timeout ${values.timeout} per run; idle RSS ${idle.map((mb) => mb.toFixed(0)).join(' / ')} MB`,
);
console.log(`  ${'run'.padEnd(42)} ${'req/s'.padStart(7)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}   RSS MB start / middle / end (max)`);
let failed = false;
for (const [name, script] of runs) {
  const samples: number[][] = issuers.map(() => []);
  const sample = () => issuers.forEach((child, i) => samples[i]!.push(rssMb(child.pid!)));
  sample();
  const sampler = setInterval(sample, 1000);
  const results = await Promise.all(PORTS.map((port) => wrk(port, script, connections / instances)));
  clearInterval(sampler);
  sample();
  const rps = results.reduce((sum, r) => sum + r.rps, 0);
  const p99 = Math.max(...results.map((r) => r.p99));
  const kinds: Record<string, number> = {};
  for (const result of results) for (const [kind, n] of Object.entries(result.errors)) kinds[kind] = (kinds[kind] ?? 0) + n;
  const errors = Object.values(kinds).reduce((sum, n) => sum + n, 0);
  const errorText = errors ? `${errors} (${Object.entries(kinds).filter(([, n]) => n).map(([kind, n]) => `${kind} ${n}`).join(', ')})` : '0';
  if (errors > 0 || results.some((r) => !(r.requests > 0))) failed = true;
  const memory = samples
    .map((rss) => `${[rss[0]!, rss[Math.floor(rss.length / 2)]!, rss.at(-1)!].map((mb) => mb.toFixed(0)).join(' / ')} (${Math.max(...rss).toFixed(0)})`)
    .join('; ');
  console.log(`  ${name.padEnd(42)} ${rps.toFixed(0).padStart(7)} ${p99.toFixed(1).padStart(8)} ${errorText.padStart(7)}   ${memory}`);
}
console.log(`  request log ${(statSync(logFile).size / 1024 / 1024).toFixed(0)} MB`);
await Promise.all(issuers.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
await registry.cleanup();
if (failed) {
  console.log('  FAILED: a run had errors or no answers');
  process.exitCode = 1;
}
