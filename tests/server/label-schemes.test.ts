import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { parseScheme } from '../../server/domain/schemes.ts';
import { openPostgres, openSqlite, type Database } from '../../server/registry/database.ts';
import { migrate } from '../../server/registry/migrations.ts';
import { onPostgresServer, withDatabase } from '../support/database-template.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { kompass } from '../support/schemes.ts';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);

describeEachDialect('a label per scheme', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await server.registry.schemes.put(parseScheme(kompass), 'test');
    await createTestCluster(server, 'alpha');
  });
  afterEach(() => server.cleanup());

  it('keeps one current label per scheme, each with its own life, and the ECEI one where it always was', async () => {
    const { registry } = server;
    await registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const member = await registry.award('alpha', { scheme: 'kompass', level: 'member', awarded: '2026-05-10' }, 'test');
    expect(member).toMatchObject({ scheme: 'kompass', level: 'member', awarded: '2026-05-10', validUntil: '2029-05-31', status: 'valid' });

    // The ECEI label stays the cluster's mirrored current label, which search and the console read.
    expect(await registry.getCurrentLabel('alpha')).toMatchObject({ scheme: 'ecei', level: 'silver' });
    const mirrored = await server.database.db.selectFrom('clusters').select(['label_level', 'label_status', 'label_valid_until']).where('id', '=', 'alpha').executeTakeFirstOrThrow();
    expect(mirrored).toEqual({ label_level: 'silver', label_status: 'valid', label_valid_until: '2028-03-31' });
    expect((await registry.getCurrentLabels('alpha')).map((l) => [l.scheme, l.level, l.status])).toEqual([
      ['ecei', 'silver', 'valid'],
      ['kompass', 'member', 'valid'],
    ]);

    // A revocation in one scheme leaves the other alone; the audit entry names the scheme.
    await registry.revoke('alpha', { scheme: 'kompass', reason: 'Membership ended by the network.', note: null }, 'test');
    const [entry] = await registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ action: 'label.revoke', subject: 'alpha', after: { scheme: 'kompass', status: 'revoked' } });
    expect((await registry.getCurrentLabels('alpha')).map((l) => [l.scheme, l.status])).toEqual([
      ['ecei', 'valid'],
      ['kompass', 'revoked'],
    ]);
    expect(await registry.getCurrentLabel('alpha')).toMatchObject({ level: 'silver', status: 'valid' });
    // A new membership after the revoked one: the history keeps both.
    await registry.award('alpha', { scheme: 'kompass', level: 'member' }, 'test');
    expect((await registry.getLabels('alpha')).map((l) => [l.scheme, l.level, l.status])).toEqual([
      ['ecei', 'silver', 'valid'],
      ['kompass', 'member', 'revoked'],
      ['kompass', 'member', 'valid'],
    ]);
  });

  it('follows each scheme’s rules: levels, renewal window, grace, no upgrade of a membership', async () => {
    const { registry } = server;
    expect(await codeOf(registry.award('alpha', { scheme: 'kompass', level: 'gold' }, 'test'))).toBe('unknown_level');
    expect(await codeOf(registry.award('alpha', { level: 'member' }, 'test'))).toBe('unknown_level');
    expect(await codeOf(registry.award('alpha', { scheme: 'nowhere', level: 'member' }, 'test'))).toBe('unknown_scheme');
    await registry.award('alpha', { scheme: 'kompass', level: 'member', awarded: '2026-06-01' }, 'test');
    expect(await codeOf(registry.upgrade('alpha', { scheme: 'kompass', level: 'member' }, 'test'))).toBe('no_levels_to_upgrade');
    // Renewable in the last six months only: from 2028-12-31 for a membership ending 2029-06-30.
    expect(await codeOf(registry.renew('alpha', { scheme: 'kompass' }, 'test'))).toBe('renewal_too_early');
    clock.set('2029-01-05T10:00:00Z');
    expect((await registry.renew('alpha', { scheme: 'kompass' }, 'test')).validUntil).toBe('2032-06-30');
    // No grace period: the day after its end it awaits withdrawal.
    clock.set('2032-07-02T10:00:00Z');
    expect(await codeOf(registry.renew('alpha', { scheme: 'kompass' }, 'test'))).toBe('grace_period_over');
    expect((await registry.awaitingWithdrawal()).map((e) => [e.cluster.id, e.label.scheme, e.graceEnded])).toEqual([['alpha', 'kompass', '2032-06-30']]);
    expect((await registry.withdraw('alpha', 'test', undefined, { scheme: 'kompass' })).status).toBe('withdrawn');
    expect(await codeOf(registry.withdraw('alpha', 'test'))).toBe('no_current_label');
  });

  it('refuses a new form of a scheme that leaves out a level labels hold', async () => {
    await server.registry.award('alpha', { scheme: 'kompass', level: 'member' }, 'test');
    const renamed = parseScheme({ ...kompass, levels: [{ ...kompass.levels[0], id: 'associate' }] });
    expect(await codeOf(server.registry.schemes.put(renamed, 'test'))).toBe('scheme_levels_in_use');
    const restyled = parseScheme({ ...kompass, levels: [{ ...kompass.levels[0], seal: { colour: '#224466', emblem: 'ring' } }] });
    expect((await server.registry.schemes.put(restyled, 'test')).outcome).toBe('replaced');
  });

  it('takes the scheme in the admin API’s label actions and shows every current label on the cluster', async () => {
    const secret = (await new ApiTokens(server.database, server.keyring, server.now).create('officer', 'officer', 'test')).secret;
    const call = (path: string, body: unknown, method = 'POST') =>
      server.app.request(`/v1/admin/clusters${path}`, { method, headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const refusal = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

    expect(await refusal(await call('/alpha/labels/award', { scheme: 'nowhere', level: 'member' }))).toBe('unknown_scheme');
    expect(await refusal(await call('/alpha/labels/award', { scheme: 'kompass', level: 'gold' }))).toBe('unknown_level');
    expect(await refusal(await call('/alpha/labels/award', { scheme: 'Not A Slug', level: 'member' }))).toBe('invalid_field');
    const awarded = await call('/alpha/labels/award', { scheme: 'kompass', level: 'member', awarded: '2026-06-01' });
    expect(awarded.status).toBe(201);
    expect(await awarded.json()).toMatchObject({ scheme: 'kompass', level: 'member', validUntil: '2029-06-30' });
    expect((await call('/alpha/labels/award', { level: 'bronze' })).status).toBe(201);

    const read = await server.app.request('/v1/admin/clusters/alpha', { headers: { Authorization: `Bearer ${secret}` } });
    const cluster = (await read.json()) as { label: { scheme: string; level: string }; currentLabels: Array<{ scheme: string; level: string }>; labels: unknown[] };
    expect(cluster.label).toMatchObject({ scheme: 'ecei', level: 'bronze' });
    expect(cluster.currentLabels.map((l) => [l.scheme, l.level])).toEqual([
      ['ecei', 'bronze'],
      ['kompass', 'member'],
    ]);
    expect(cluster.labels).toHaveLength(2);

    // A change to another scheme's label is a new version of the cluster.
    const etag = read.headers.get('etag')!;
    const revoked = await server.app.request('/v1/admin/clusters/alpha/labels/revoke', {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', 'If-Match': etag },
      body: JSON.stringify({ scheme: 'kompass', reason: 'Left the network.' }),
    });
    expect(revoked.status).toBe(200);
    const again = await call('/alpha/labels/withdraw', { scheme: 'kompass' });
    expect(await refusal(again)).toBe('label_already_revoked');
    const stale = await server.app.request('/v1/admin/clusters/alpha/labels/renew', {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', 'If-Match': etag },
      body: '{}',
    });
    expect(stale.status).toBe(412);
  });
});

describeEachDialect('migration 016 (a label per scheme)', (dialect) => {
  let database: Database;
  let release: () => Promise<void>;

  beforeEach(async () => {
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'cluster-label-migration-'));
      database = openSqlite(join(dir, 'registry.sqlite'));
      release = async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      const server = process.env.TEST_DATABASE_URL!;
      const name = `cl_migration_${randomBytes(6).toString('hex')}`;
      await onPostgresServer(server, `create database ${name}`);
      database = await openPostgres(withDatabase(server, name));
      release = async () => {
        await database.close();
        await onPostgresServer(server, `drop database if exists ${name} with (force)`);
      };
    }
  });
  afterEach(() => release());

  it('keeps every label, its id, what refers to it and the mirrors, and lets other schemes’ levels in', async () => {
    const db = database.db as unknown as Kysely<unknown>;
    await migrate(db, database.dialect, '015_schemes');
    const at = '2026-01-01T00:00:00.000Z';
    await sql`insert into clusters (id, name, organisation, country, portfolio, sites, created_at, updated_at) values ('alpha', 'Alpha', '', 'DE', '', '[]', ${at}, ${at})`.execute(db);
    await sql`insert into labels (cluster_id, level, awarded, valid_until, status, changed_at) values ('alpha', 'bronze', '2020-01-01', '2022-01-31', 'superseded', ${at}), ('alpha', 'gold', '2021-01-01', '2027-01-31', 'valid', ${at})`.execute(db);
    await sql`insert into status_entries (label_id, list, idx) values (2, 1, 42)`.execute(db);
    expect(await codeOf(sql`insert into labels (cluster_id, level, awarded, valid_until, status, changed_at) values ('alpha', 'member', '2021-01-01', '2027-01-31', 'valid', ${at})`.execute(db))).not.toBe('no error');

    await migrate(db, database.dialect);
    const labels = await database.db.selectFrom('labels').select(['id', 'scheme', 'level', 'status']).orderBy('id').execute();
    expect(labels.map((l) => [Number(l.id), l.scheme, l.level, l.status])).toEqual([
      [1, 'ecei', 'bronze', 'superseded'],
      [2, 'ecei', 'gold', 'valid'],
    ]);
    expect(await database.db.selectFrom('clusters').select(['current_label_id', 'label_level']).executeTakeFirst()).toEqual({ current_label_id: 2, label_level: 'gold' });
    // Migration 018 finds the newest label of each scheme; its triggers follow every change after.
    const current = () => database.db.selectFrom('current_labels').select(['scheme', 'label_id', 'level', 'status']).orderBy('scheme').execute();
    expect(await current()).toEqual([{ scheme: 'ecei', label_id: 2, level: 'gold', status: 'valid' }]);
    // Another scheme's label: accepted, and not mirrored as the cluster's (ECEI) label.
    await sql`insert into labels (cluster_id, scheme, level, awarded, valid_until, status, changed_at) values ('alpha', 'kompass', 'member', '2026-01-01', '2029-01-31', 'valid', ${at})`.execute(db);
    expect(await database.db.selectFrom('clusters').select(['current_label_id', 'label_level']).executeTakeFirst()).toEqual({ current_label_id: 2, label_level: 'gold' });
    // The mirror still follows the ECEI label; the foreign keys still hold.
    await sql`update labels set status = 'revoked' where id = 2`.execute(db);
    expect(await database.db.selectFrom('clusters').select('label_status').executeTakeFirst()).toEqual({ label_status: 'revoked' });
    await sql`insert into labels (cluster_id, level, awarded, valid_until, status, changed_at) values ('alpha', 'silver', '2026-01-01', '2028-01-31', 'valid', ${at})`.execute(db);
    // (PostgreSQL's sequence spent a number on the refused insert above: the id is read, not assumed.)
    const silver = await database.db.selectFrom('labels').select('id').where('level', '=', 'silver').executeTakeFirstOrThrow();
    expect(await database.db.selectFrom('clusters').select(['current_label_id', 'label_level']).executeTakeFirst()).toEqual({ current_label_id: silver.id, label_level: 'silver' });
    const kompass = await database.db.selectFrom('labels').select('id').where('scheme', '=', 'kompass').executeTakeFirstOrThrow();
    await sql`update labels set status = 'superseded' where id = 2`.execute(db);
    expect(await current()).toEqual([
      { scheme: 'ecei', label_id: silver.id, level: 'silver', status: 'valid' },
      { scheme: 'kompass', label_id: kompass.id, level: 'member', status: 'valid' },
    ]);
    expect(await codeOf(sql`insert into status_entries (label_id, list, idx) values (99, 1, 43)`.execute(db))).not.toBe('no error');
    expect(await codeOf(sql`insert into labels (cluster_id, level, awarded, valid_until, status, changed_at) values ('nobody', 'gold', '2021-01-01', '2027-01-31', 'valid', ${at})`.execute(db))).not.toBe('no error');
  });
});
