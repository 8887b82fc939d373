import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './database.ts';

type Step = (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;

/**
 * The one schema of both dialects, in order. A migration is never edited once
 * released: add a new one.
 */
const steps: Record<string, Step> = {
  '001_registry': async (db, dialect) => {
    const serial = dialect === 'postgres' ? 'serial' : 'integer';
    await db.schema
      .createTable('contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('clusters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('portfolio', 'text', (c) => c.notNull())
      .addColumn('sites', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('labels')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('cluster_id', 'text', (c) => c.notNull().references('clusters.id'))
      .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('bronze', 'silver', 'gold')`))
      .addColumn('awarded', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('valid', 'expired', 'revoked', 'withdrawn', 'superseded')`),
      )
      .addColumn('assessment_ref', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('public_reason', 'text')
      .addColumn('internal_note', 'text')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('labels_by_cluster').on('labels').columns(['cluster_id', 'id']).execute();
    await db.schema.createIndex('labels_by_status_end').on('labels').columns(['status', 'valid_until']).execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('next', 'current', 'retired', 'revoked')`))
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text')
      .addColumn('retired_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_by_subject').on('audit_log').columns(['subject', 'seq']).execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
  },
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(steps)) migrations[name] = { up: (db) => step(db, dialect) };
      return migrations;
    },
  };
}

/** Brings the schema up to date; safe to run from several instances at once (Kysely takes a lock). */
export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: provider(dialect) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`The registry schema could not be migrated (step ${failed}): ${(error as Error).message}`);
  }
}
