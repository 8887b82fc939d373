/**
 * The cold path: attestations per second when nothing is cached, so every request reads the
 * registry and signs, against jose's sequential ES256 signing rate measured in the same run.
 * The app is called in process through `app.request()` (routing, middleware, handler; no
 * socket); the token cache is emptied before every request with `Attestations.clear()`.
 *
 *   [TEST_DATABASE_URL=postgres://…] npx tsx tests/bench/cold.ts [--dialect sqlite|postgres] [--seconds 5] [--concurrency 16]
 */
import { CompactSign, generateKeyPair } from 'jose';
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

  /** Runs `job` back to back in `workers` loops for the configured time; returns operations per second. */
  async function rate(workers: number, job: (worker: number) => Promise<void>): Promise<number> {
    const until = performance.now() + seconds * 1000;
    let done = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        while (performance.now() < until) {
          await job(worker);
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  }

  // jose alone: the same payload, a P-256 key, one signature after the other.
  const { privateKey } = await generateKeyPair('ES256');
  const sign = () => new CompactSign(payload).setProtectedHeader({ alg: 'ES256', typ: 'cluster-label+jwt', kid: 'k' }).sign(privateKey);
  await rate(1, async () => void (await sign()));
  const jose = await rate(1, async () => void (await sign()));

  const cold = async (worker: number) => {
    server.attestations.clear();
    const response = await server.app.request(`/v1/clusters/cold-${worker}/attestation`);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.text();
  };
  await rate(concurrency, cold);
  const ours = await rate(concurrency, cold);
  const oursSequential = await rate(1, cold);

  console.log(`cold-path benchmark — ${dialect}, ${seconds} s each, every request signs`);
  console.log(`  jose CompactSign ES256, sequential        ${jose.toFixed(0).padStart(6)} signatures/s`);
  console.log(`  cluster-label, ${String(concurrency).padStart(2)} concurrent requests      ${ours.toFixed(0).padStart(6)} attestations/s   ${(ours / jose).toFixed(2)}× jose (target ≥ 0.5×)`);
  console.log(`  cluster-label, one request at a time      ${oursSequential.toFixed(0).padStart(6)} attestations/s   ${(oursSequential / jose).toFixed(2)}× jose`);
} finally {
  await server.cleanup();
}
