// A register of fictional clusters at scale, for the benchmarks.
import { sql, type Insertable } from 'kysely';
import { addMonths, endOfMonthAfter, utcDate } from '../../server/domain/dates.ts';
import { LEVELS } from '../../server/domain/types.ts';
import type { Database } from '../../server/registry/database.ts';
import type { Schema } from '../../server/registry/schema.ts';

/** A small deterministic generator, so every run searches the same registry. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = random(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

const SYLLABLES = ['nor', 'dal', 'ka', 'vor', 'lin', 'te', 'mar', 'su', 'bel', 'ros', 'an', 'ti', 'gra', 'wen', 'lo', 'fjor', 'ber', 'mi', 'sta', 'ur'];
const FIELDS = ['Photonics', 'Maritime', 'Food', 'Health', 'Mobility', 'Energy', 'Plastics', 'Textiles', 'Aerospace', 'Software', 'Forestry', 'Water', 'Logistics', 'Robotics', 'Ceramics', 'Tourism'];
const KINDS = ['Cluster', 'Network', 'Alliance', 'Valley', 'Hub', 'Initiative'];
const COUNTRIES = ['DE', 'FR', 'ES', 'IT', 'PL', 'PT', 'AT', 'BE', 'NL', 'DK', 'SE', 'FI', 'EE', 'LV', 'LT', 'CZ', 'SK', 'HU', 'RO', 'BG', 'GR', 'IE', 'NO', 'CH', 'TR', 'UA', 'RS', 'SI', 'HR', 'IS'];

function fictionalName() {
  const word = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(SYLLABLES)).join('');
  return `${word[0]!.toUpperCase()}${word.slice(1)} ${pick(FIELDS)} ${pick(KINDS)}`;
}

/**
 * Fills `database` with `count` fictional clusters `bench-000000…` (names from made-up
 * syllables, a field and a kind; 30 countries), in batches, the way an import would.
 */
export async function seedRegister({ db, dialect }: Database, count: number, now: Date): Promise<void> {
  const today = utcDate(now);
  const at = now.toISOString();
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const clusters: Insertable<Schema['clusters']>[] = [];
    const labels: Insertable<Schema['labels']>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const id = `bench-${i.toString().padStart(6, '0')}`;
      clusters.push({ id, name: fictionalName(), organisation: 'Fictional organisation', country: pick(COUNTRIES), portfolio: pick(FIELDS), sites: JSON.stringify([`https://${id}.example`]), contact_id: null, created_at: at, updated_at: at });
      // Roughly: 15 % without a label, the rest valid, expired or (rarely) revoked.
      const roll = rand();
      if (roll < 0.15) continue;
      const awarded = addMonths(today, -Math.floor(rand() * 48));
      const status = roll > 0.97 ? 'revoked' : 'valid';
      labels.push({ cluster_id: id, level: pick(LEVELS), awarded, valid_until: endOfMonthAfter(awarded, 24), status, assessment_ref: null, revoked_at: status === 'revoked' ? at : null, public_reason: status === 'revoked' ? 'Fictional reason.' : null, internal_note: null, changed_at: at });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('clusters').values(clusters).execute();
      if (labels.length) await trx.insertInto('labels').values(labels).execute();
    });
  }
  // What autovacuum does within a minute of a bulk import: statistics and the
  // visibility map that index-only scans need. SQLite's queries need no statistics.
  if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
}

