/**
 * Status lists at full size: seeds 100,000 labels (1 % revoked) into a fresh
 * registry with a shuffled status list index each, then prints the signed list's
 * size, how long signing it takes, how long allocating the last free indices of a
 * nearly full list takes, and how long a revocation takes to show in the served list.
 *
 *   npx tsx tests/bench/status-list.ts [--dialect sqlite|postgres] [--rounds 10]
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Insertable } from 'kysely';
import { LIST_CAPACITY } from '../../server/credentials/status-lists.ts';
import { write } from '../../server/registry/writes.ts';
import type { Schema } from '../../server/registry/schema.ts';
import { startTestServer, testClock, type TestDialect } from '../support/server.ts';

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, rounds: { type: 'string', default: '10' } } });
const dialect = values.dialect as TestDialect;
if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('--dialect must be sqlite or postgres');
const rounds = Number(values.rounds);
const SPARE = 10;

const clock = testClock('2026-06-15T10:00:00Z');
const server = await startTestServer(dialect, { now: clock.now });
const db = server.database.db;
const at = clock.now().toISOString();

// Every index but SPARE, shuffled (Fisher–Yates), for LIST_CAPACITY − SPARE labels.
const indices = Array.from({ length: LIST_CAPACITY }, (_, i) => i);
for (let i = indices.length - 1; i > 0; i--) {
  const j = randomInt(i + 1);
  [indices[i], indices[j]] = [indices[j]!, indices[i]!];
}
const seeded = performance.now();
for (let start = 0; start < LIST_CAPACITY; start += 500) {
  const clusters: Insertable<Schema['clusters']>[] = [];
  const labels: Insertable<Schema['labels']>[] = [];
  for (let i = start; i < start + 500; i++) {
    const id = `bench-${i.toString().padStart(6, '0')}`;
    clusters.push({ id, name: `Fictional ${i}`, organisation: '', country: 'DE', portfolio: '', sites: '[]', contact_id: null, created_at: at, updated_at: at });
    const revoked = i % 100 === 0;
    labels.push({ cluster_id: id, level: 'silver', awarded: '2026-03-02', valid_until: '2028-03-31', status: revoked ? 'revoked' : 'valid', assessment_ref: null, revoked_at: revoked ? at : null, public_reason: revoked ? 'Fictional.' : null, internal_note: null, changed_at: at });
  }
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('clusters').values(clusters).execute();
    const ids = await trx.insertInto('labels').values(labels).returning('id').execute();
    const entries = ids.map((row, k) => ({ label_id: row.id, list: 1, idx: indices[start + k]! })).filter((_, k) => start + k < LIST_CAPACITY - SPARE);
    if (entries.length) await trx.insertInto('status_entries').values(entries).execute();
  });
}
console.log(`seeded ${LIST_CAPACITY} labels (${dialect}) in ${Math.round(performance.now() - seeded)} ms`);

const { statusLists } = server.credentials;
const signTimes: number[] = [];
let size = 0;
for (let round = 0; round < rounds; round++) {
  statusLists.drop();
  const started = performance.now();
  size = (await statusLists.signed(1))!.token.length;
  signTimes.push(performance.now() - started);
}
signTimes.sort((a, b) => a - b);
console.log(`status list token, ${LIST_CAPACITY - SPARE} entries, 1 % invalid: ${size} bytes`);
console.log(`signing it from the registry: median ${signTimes[Math.floor(rounds / 2)]!.toFixed(1)} ms, max ${signTimes.at(-1)!.toFixed(1)} ms over ${rounds} rounds`);

const spare = await db.selectFrom('labels').select('id').where('id', 'not in', db.selectFrom('status_entries').select('label_id')).orderBy('id').execute();
const placeTimes: number[] = [];
for (const { id } of spare) {
  const started = performance.now();
  await write(server.database, () => new Date(), ({ trx }) => statusLists.place(trx, id));
  placeTimes.push(performance.now() - started);
}
console.log(`allocating the last ${spare.length} free indices of the full list: ${placeTimes.map((t) => t.toFixed(1)).join(', ')} ms`);

const victim = 'bench-000001';
statusLists.drop();
await statusLists.signed(1);
const started = performance.now();
await server.registry.revoke(victim, { reason: 'Fictional.', note: null }, 'bench');
const served = (await statusLists.signed(1))!;
const { idx } = await db.selectFrom('status_entries').innerJoin('labels', 'labels.id', 'status_entries.label_id').select('idx').where('labels.cluster_id', '=', victim).executeTakeFirstOrThrow();
console.log(`revocation to the served list (revoke, then sign): ${Math.round(performance.now() - started)} ms; entry ${idx} now ${served.statuses[idx]}`);
await server.cleanup();
