/**
 * The cold path: attestations when nothing is cached, so every request reads the registry
 * (the cluster, its label, its log entry and proof in one statement) and signs, against
 * jose's sequential ES256 signing measured in the same run. The figure that holds on a
 * shared machine is CPU time per operation, and their ratio.
 *
 * Over HTTP (the figure for a deployment): the issuer as a process of its own on
 * @hono/node-server (cold-server.ts: the app, with the token cache emptied before every
 * request), wrk at 64 connections over 200 clusters, its CPU per request read from
 * /proc/<pid>/stat; rounds take turns with jose signing one token after the other in this
 * process, its CPU from process.cpuUsage().
 *
 * In process, in slices of 200 ms taking turns: the attestation alone (`Attestations.get`
 * with the cache emptied: read, claims, log proof, signature), the route through
 * `app.request()` (which adds the Fetch API's Request and Response objects that the Node
 * adapter mostly spares a server), and the registry read alone.
 *
 *   [TEST_DATABASE_URL=postgres://…] npx tsx tests/bench/cold.ts [--dialect sqlite|postgres] [--seconds 3] [--rounds 5] [--concurrency 16]
 */
import { CompactSign, generateKeyPair } from 'jose';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startTestServer, createTestCluster, type TestDialect } from '../support/server.ts';
import { median, processCpuSeconds, seedBenchClusters, startServerProcess, wrk } from './support.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '16' } } });
const dialect = values.dialect as TestDialect;
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
// PostgreSQL: TEST_DATABASE_URL must be set (support/server.ts reads it when imported).

const server = await startTestServer(dialect);
try {
  for (let i = 0; i < concurrency; i++) {
    await createTestCluster(server, `cold-${i}`);
    await server.registry.award(`cold-${i}`, { level: 'silver' }, 'bench');
  }
  const token = await (await server.app.request('/v1/clusters/cold-0/attestation')).text();
  const payload = new TextEncoder().encode(JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())));

  /**
   * Runs every variant in turn, a slice of 200 ms at a time, until each has run for
   * `seconds`; returns operations per second of each. Taking turns gives every variant
   * the same share of a shared machine's changing load, so their ratio holds.
   */
  async function rates(variants: Array<{ workers: number; job: (worker: number) => Promise<void> }>, seconds: number): Promise<{ perSecond: number[]; cpuUs: number[] }> {
    const slice = 200;
    const done = variants.map(() => 0);
    const spent = variants.map(() => 0);
    const cpu = variants.map(() => 0);
    for (let round = 0; round < (seconds * 1000) / slice; round++) {
      for (const [i, { workers, job }] of variants.entries()) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const until = started + slice;
        await Promise.all(
          Array.from({ length: workers }, async (_, worker) => {
            while (performance.now() < until) {
              await job(worker);
              done[i]!++;
            }
          }),
        );
        spent[i]! += performance.now() - started;
        const { user, system } = process.cpuUsage(cpuBefore);
        cpu[i]! += user + system;
      }
    }
    return { perSecond: done.map((n, i) => n / (spent[i]! / 1000)), cpuUs: cpu.map((us, i) => us / done[i]!) };
  }

  // jose alone: the same payload, a P-256 key, one signature after the other.
  const { privateKey } = await generateKeyPair('ES256');
  const sign = async () => void (await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', typ: 'cluster-label+jwt', kid: 'k' }).sign(privateKey));

  const request = async (worker: number) => {
    server.attestations.clear();
    const response = await server.app.request(`/v1/clusters/cold-${worker}/attestation`);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.text();
  };
  const attest = async (worker: number) => {
    server.attestations.clear();
    await server.attestations.get(`cold-${worker}`);
  };
  // The registry read alone, one at a time: no attestation served one at a time can be faster.
  const read = async () => void (await server.registry.getAttestationSubject('cold-0'));
  const variants = [
    { workers: 1, job: sign },
    { workers: 1, job: attest },
    { workers: concurrency, job: request },
    { workers: 1, job: request },
    { workers: 1, job: read },
  ];
  // A second of each first, not counted: until the JIT has compiled the hot paths, the first variant to run would pay for it.
  await rates(variants, 1);
  const { perSecond, cpuUs } = await rates(variants, seconds);
  // This process's CPU time per operation (jose's signing on libuv's threads included; with
  // PostgreSQL, the database server's own work is not): the figure a busy machine moves least.
  const joseCpu = cpuUs[0]!;
  const line = (what: string, i: number, unit: string) =>
    `  ${what.padEnd(46)} ${perSecond[i]!.toFixed(0).padStart(6)} ${unit.padEnd(15)} ${(joseCpu / cpuUs[i]!).toFixed(2)}× jose by CPU (${cpuUs[i]!.toFixed(0)} µs)`;
  const inProcess = [
    `  jose CompactSign ES256, sequential             ${perSecond[0]!.toFixed(0).padStart(6)} signatures/s    ${joseCpu.toFixed(0)} µs CPU each`,
    line('the attestation alone (Attestations.get)', 1, 'attestations/s'),
    line(`app.request(), ${concurrency} at a time`, 2, 'attestations/s'),
    line('app.request(), one at a time', 3, 'attestations/s'),
    line('the registry read alone, one at a time', 4, 'reads/s'),
  ];
  await server.cleanup();

  // Over HTTP: the issuer's own process, every request cold.
  const bench = await seedBenchClusters(dialect, 200);
  const PORT = 9304;
  const issuer = await startServerProcess(['tests/bench/cold-server.ts'], PORT, bench, { ready: '/healthz' });
  process.on('exit', () => issuer.kill());
  const script = bench.rotateScript('cold', 200, (i) => `/v1/clusters/bench-${i}/attestation`);
  const joseRound = async (ms: number) => {
    const before = process.cpuUsage();
    const until = performance.now() + ms;
    let n = 0;
    while (performance.now() < until) {
      await sign();
      n++;
    }
    const { user, system } = process.cpuUsage(before);
    return (user + system) / n;
  };
  await wrk(PORT, issuer.pid!, script, { seconds: 2 });
  await joseRound(1000);
  const rounds: Array<{ jose: number; ours: number; rps: number; errors: number }> = [];
  const loads: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const jose = await joseRound(seconds * 1000);
    const cpuBefore = processCpuSeconds(issuer.pid!);
    const run = await wrk(PORT, issuer.pid!, script, { seconds });
    rounds.push({ jose, ours: ((processCpuSeconds(issuer.pid!) - cpuBefore) * 1e6) / run.requests, rps: run.rps, errors: run.errors });
    loads.push(loadavg()[0]!);
  }
  issuer.kill();
  await bench.close();

  const ratios = rounds.map((r) => r.jose / r.ours);
  console.log(`cold-path benchmark — ${dialect}, every request signs; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
  console.log(`  over HTTP (cold-server.ts, wrk -c64 -d${seconds}s × ${values.rounds} rounds in turn with jose in this process), 200 clusters:`);
  console.log(`    jose CompactSign ES256, sequential         ${median(rounds.map((r) => r.jose)).toFixed(0)} µs CPU per signature`);
  console.log(`    cluster-label, a cold request              ${median(rounds.map((r) => r.ours)).toFixed(0)} µs server CPU per request, ${median(rounds.map((r) => r.rps)).toFixed(0)} req/s, errors ${rounds.reduce((sum, r) => sum + r.errors, 0)}`);
  console.log(`    ${median(ratios).toFixed(2)}× jose by CPU (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}; target ≥ ${dialect === 'sqlite' ? '0.6' : '0.5'}×): ${(1e6 / median(rounds.map((r) => r.ours))).toFixed(0)} tokens signed and served per second of one core`);
  console.log(`  in process, ${seconds} s each in turns of 200 ms:`);
  console.log(inProcess.join('\n'));
} catch (error) {
  await server.cleanup();
  throw error;
}
