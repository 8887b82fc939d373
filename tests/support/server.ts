import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, inject, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { readConfig, type Config } from '../../server/config.ts';
import { silentLogger } from '../../server/log.ts';
import { openDatabase } from '../../server/registry/database.ts';
import { openServices, type Services } from '../../server/services.ts';
import { loadWidgetAssets, type WidgetAssets } from '../../server/widget-assets.ts';
import { emptyPostgresDatabase, onPostgresServer, withDatabase } from './database-template.ts';

export type TestDialect = 'sqlite' | 'postgres';

const postgresUrl = process.env.TEST_DATABASE_URL;

/** The dialects this run tests: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const dialects: TestDialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * `describe` once per dialect. Without TEST_DATABASE_URL the PostgreSQL half is
 * reported as one skipped test that says why, never silently left out.
 */
export function describeEachDialect(name: string, body: (dialect: TestDialect) => void) {
  for (const dialect of dialects) describe(`${name} [${dialect}]`, () => body(dialect));
  if (!postgresUrl) describe(`${name} [postgres]`, () => it.skip('skipped: TEST_DATABASE_URL is not set', () => {}));
}

/** A clock the test moves by hand. */
export function testClock(start = '2026-06-15T10:00:00Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (iso: string) => void (current = new Date(iso).getTime()),
    advance: (seconds: number) => void (current += seconds * 1000),
  };
}

export interface TestServer extends Services {
  app: ReturnType<typeof createApp>;
  widget: WidgetAssets;
  /** For PostgreSQL, the URL of this test's own database (to open a second instance on it). */
  databaseUrl: string | undefined;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** The migrated templates the global set-up made; none when run outside Vitest (the benchmarks), which migrate in place. */
function template(key: 'sqliteTemplate' | 'postgresTemplate'): string | undefined {
  return process.env.VITEST ? inject(key) || undefined : undefined;
}

/** This file's PostgreSQL databases that earlier tests have finished with, emptied again. */
const emptiedDatabases: string[] = [];

/**
 * A PostgreSQL database for one test, and how to give it back. Under Vitest it is one this file
 * used before, emptied, or else a clone of the migrated template (`create database` costs
 * seconds on a busy server; emptying, milliseconds); the global set-up drops them all at the end.
 * Outside Vitest, a new database, dropped again.
 */
async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; release(): Promise<void> }> {
  const from = template('postgresTemplate');
  if (!from) {
    const name = `cl_test_${randomBytes(6).toString('hex')}`;
    await onPostgresServer(serverUrl, `create database ${name}`);
    return { url: withDatabase(serverUrl, name), release: () => onPostgresServer(serverUrl, `drop database if exists ${name} with (force)`) };
  }
  let name = emptiedDatabases.pop();
  if (!name) {
    name = `${from}_${randomBytes(6).toString('hex')}`;
    await onPostgresServer(serverUrl, `create database ${name} template ${from}`);
  }
  const url = withDatabase(serverUrl, name);
  return {
    url,
    async release() {
      await emptyPostgresDatabase(url);
      emptiedDatabases.push(name);
    },
  };
}

/**
 * A fresh registry of its own (a temporary SQLite file, or a new PostgreSQL database), copied
 * from the migrated template, and the app on it. Passwords are hashed at a test cost
 * (PASSWORD_HASH_COST=10) unless `env` says otherwise.
 */
export async function startTestServer(
  dialect: TestDialect,
  options: { now?: () => Date; env?: Record<string, string>; shareWith?: TestServer } = {},
): Promise<TestServer> {
  const dataDir = options.shareWith?.dataDir ?? mkdtempSync(join(tmpdir(), 'cluster-label-test-'));
  let databaseUrl = options.shareWith?.databaseUrl;
  let releaseDatabase: (() => Promise<void>) | undefined;
  if (dialect === 'postgres' && !databaseUrl) {
    if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
    const created = await createPostgresDatabase(postgresUrl);
    databaseUrl = created.url;
    releaseDatabase = created.release;
  }
  const sqliteTemplate = template('sqliteTemplate');
  if (dialect === 'sqlite' && !options.shareWith && sqliteTemplate) copyFileSync(sqliteTemplate, join(dataDir, 'registry.sqlite'));
  const config: Config = readConfig({
    PUBLIC_URL: 'https://issuer.test',
    DATA_DIR: dataDir,
    SEED_DEMO: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
    PASSWORD_HASH_COST: '10',
    ...options.env,
  });
  const database = await openDatabase(config);
  const services = await openServices(config, { ...(options.now ? { now: options.now } : {}), database });
  const widget = loadWidgetAssets();
  const app = createApp({ services, widget, logger: silentLogger });
  return {
    ...services,
    app,
    widget,
    databaseUrl,
    dataDir,
    async cleanup() {
      await services.close();
      if (!options.shareWith) {
        await releaseDatabase?.();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A registered cluster with sensible defaults, created as the test actor. */
export function createTestCluster(server: Services, id: string, overrides: Partial<{ name: string; sites: string[]; country: string }> = {}) {
  return server.registry.createCluster(
    { id, name: overrides.name ?? `Cluster ${id}`, organisation: 'Test organisation', country: overrides.country ?? 'DE', portfolio: 'Testing', sites: overrides.sites ?? ['https://www.example.org'], contactEmail: `office@${id}.example` },
    'test',
  );
}
