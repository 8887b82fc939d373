// The transparency log at size: appends per second through the real write path, then a
// log grown to --entries, its proof and token sizes, commit → token with proof, and
// `log verify` over all of it.
//   npx tsx tests/bench/log.ts [--dialect sqlite|postgres] [--entries 1000000] [--writes 300]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '../../server/config.ts';
import { appendEntries } from '../../server/log/store.ts';
import { verifyLog } from '../../server/log/verify.ts';
import { write } from '../../server/registry/writes.ts';
import { openServices } from '../../server/services.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, entries: { type: 'string', default: '1000000' }, writes: { type: 'string', default: '300' } } });
const target = Number(values.entries);
const writes = Number(values.writes);

let databaseUrl: string | undefined;
if (values.dialect === 'postgres') {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query('drop database if exists cluster_label_log_bench with (force)');
  await admin.query('create database cluster_label_log_bench');
  await admin.end();
  const url = new URL(base);
  url.pathname = '/cluster_label_log_bench';
  databaseUrl = url.toString();
}
const config = readConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'cluster-label-log-bench-')), SEED_DEMO: 'off', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), PUBLIC_URL: 'https://issuer.example', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
const services = await openServices(config, { listen: false });
const { registry, attestations, log, database } = services;

// Appends through the real write path: one transaction, one audit entry, one log entry each.
let started = performance.now();
for (let i = 0; i < writes; i++) {
  await registry.createCluster({ id: `bench-${i}`, name: `Bench Cluster ${i}`, organisation: 'Bench', country: 'DE', portfolio: 'Bench', sites: [`https://bench-${i}.example`], contactEmail: null }, 'bench');
}
const perSecond = writes / ((performance.now() - started) / 1000);
console.log(`appends through the write path: ${perSecond.toFixed(0)}/s (${writes} cluster registrations, ${values.dialect})`);

// Fill to the target size with cluster-sized entries, in large transactions (what the write path appends, without the audit signing).
const anchor = (await registry.auditHead())!;
const entry = (i: number) => JSON.stringify({ at: '2026-01-01T00:00:00.000Z', audit: { hash: anchor.hash, seq: anchor.seq }, change: 'label.award', cluster: { id: `filler-${i}`, name: `Filler Cluster ${i}`, sites: [`https://filler-${i}.example`] }, label: { awarded: '2026-01-01', level: 'silver', status: 'valid', validUntil: '2028-01-31' }, type: 'cluster', v: 1 });
started = performance.now();
let size = (await log.latest())?.size ?? 0;
for (let done = writes + 10; done < target; ) {
  const batch = Math.min(20_000, target - done);
  await write(database, () => new Date(), ({ trx }) => appendEntries(trx, Array.from({ length: batch }, (_, i) => ({ subject: `filler-${done + i}`, data: entry(done + i) }))));
  done += batch;
  if (done % 200_000 < batch) {
    size = (await log.publish()).size;
    console.error(`  ${done} entries`);
  }
}
console.log(`bulk appends: ${((target - writes) / ((performance.now() - started) / 1000)).toFixed(0)}/s`);

// A change, then the token that proves it: the checkpoint is published on demand.
await registry.award('bench-0', { level: 'gold', awarded: '2026-03-02' }, 'bench');
started = performance.now();
const attestation = await attestations.get('bench-0');
console.log(`commit → token with proof: ${(performance.now() - started).toFixed(1)} ms (tree of ${attestation.claims.log!.checkpoint.split('\n')[1]} entries)`);
const claim = attestation.claims.log!;
console.log(`newest entry's proof: ${claim.proof.length} hashes, ${JSON.stringify(claim.proof).length} bytes; log claim ${JSON.stringify(claim).length} bytes; token ${attestation.token.length} bytes`);
const { inclusionProof } = await import('../../server/log/store.ts');
const oldest = await inclusionProof(database.db, 0, Number(claim.checkpoint.split('\n')[1]));
const longest = JSON.stringify(claim).length - JSON.stringify(claim.proof).length + JSON.stringify(oldest.map((h) => Buffer.from(h).toString('base64'))).length;
console.log(`oldest entry's proof: ${oldest.length} hashes; its log claim ${longest} bytes; token about ${attestation.token.length + Math.ceil(((longest - JSON.stringify(claim).length) * 4) / 3)} bytes`);

started = performance.now();
const report = await verifyLog(database.db, await log.verifiers(), log.origin);
console.log(`log verify: ${report.ok ? 'holds' : report.problem}, ${report.entries} entries, ${report.checkpoints} checkpoints in ${((performance.now() - started) / 1000).toFixed(1)} s`);
await services.close();
