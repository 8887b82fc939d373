/**
 * The cold path: attestations per second when nothing is cached, so every request reads the
 * registry and signs, against jose's sequential ES256 signing rate measured in the same run.
 * The app is called in process through `app.request()` (routing, middleware, handler; no
 * socket); the token cache is emptied before every request with `Attestations.clear()`.
 * The measurements take turns in slices of 200 ms, so a busy machine slows them alike. The
 * last, the registry read an attestation needs and nothing else, one at a time, is the
 * ceiling for attestations served one at a time.
 *
 *   [TEST_DATABASE_URL=postgres://…] npx tsx tests/bench/cold.ts [--dialect sqlite|postgres] [--seconds 5] [--concurrency 16]
 */
import { CompactSign, generateKeyPair } from 'jose';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startTestServer, createTestCluster, type TestDialect } from '../support/server.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '16' } } });
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

  const cold = async (worker: number) => {
    server.attestations.clear();
    const response = await server.app.request(`/v1/clusters/cold-${worker}/attestation`);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.text();
  };
  // The registry read alone, one at a time: no attestation served one at a time can be faster.
  const read = async () => void (await server.registry.getAttestationSubject('cold-0'));
  const variants = [
    { workers: 1, job: sign },
    { workers: concurrency, job: cold },
    { workers: 1, job: cold },
    { workers: 1, job: read },
  ];
  // A second of each first, not counted: until the JIT has compiled the hot paths, the first variant to run would pay for it.
  await rates(variants, 1);
  const { perSecond, cpuUs } = await rates(variants, seconds);
  const [jose, ours, oursSequential, reads] = perSecond as [number, number, number, number];
  // This process's CPU time per operation (jose's signing on libuv's threads included; with
  // PostgreSQL, the database server's own work is not): the figure a busy machine moves least.
  const [joseCpu, oursCpu, oursSequentialCpu, readsCpu] = cpuUs as [number, number, number, number];
  const cpuRatio = (us: number) => `${(joseCpu / us).toFixed(2)}× jose by CPU (${us.toFixed(0)} µs)`;

  console.log(`cold-path benchmark — ${dialect}, ${seconds} s each in turns of 200 ms, every request signs; load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(`  jose CompactSign ES256, sequential        ${jose.toFixed(0).padStart(6)} signatures/s     ${joseCpu.toFixed(0)} µs CPU each`);
  console.log(`  cluster-label, ${String(concurrency).padStart(2)} concurrent requests      ${ours.toFixed(0).padStart(6)} attestations/s   ${(ours / jose).toFixed(2)}× jose (target ≥ 0.5×); ${cpuRatio(oursCpu)}`);
  console.log(`  cluster-label, one request at a time      ${oursSequential.toFixed(0).padStart(6)} attestations/s   ${(oursSequential / jose).toFixed(2)}× jose; ${cpuRatio(oursSequentialCpu)}`);
  console.log(`  the registry read alone, one at a time    ${reads.toFixed(0).padStart(6)} reads/s          ${(reads / jose).toFixed(2)}× jose; ${cpuRatio(readsCpu)}`);
} finally {
  await server.cleanup();
}
