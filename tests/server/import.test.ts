import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/log.ts';
import { backupSqlite, exportRegister, importRegister, slugify, type ImportOptions } from '../../server/import/index.ts';
import { parseScheme } from '../../server/domain/schemes.ts';
import { openSqlite } from '../../server/registry/database.ts';
import { KOMPASS } from '../../server/seed.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describe('slugify', () => {
  it('makes a stable lowercase id from a name', () => {
    expect(slugify('Clúster Energía Meseta')).toBe('cluster-energia-meseta');
    expect(slugify('  Umweltcluster Bayern — Straße & Co. ')).toBe('umweltcluster-bayern-strasse-co');
    expect(slugify('Klaster Mobilności Wisła')).toBe('klaster-mobilnosci-wisla');
    expect(slugify('«»')).toBe('');
    const long = slugify('Association of the very long named regional innovation cluster for advanced manufacturing');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-z0-9-]+[a-z0-9]$/);
  });
});

const REGISTER = [
  '\uFEFFName;Comparative portfolio;www;Label valid until',
  'Nordlicht Photonics Cluster;Photonics;www.nordlicht.example;2027/03/31',
  '"Tejo Maritime; Blue Economy";Maritime;https://tejo.example/about;30.04.2015',
  'Alpenhof Food Valley;Agri-food;;',
  '',
].join('\r\n');

describeEachDialect('register import', (dialect) => {
  let server: TestServer;
  const clock = testClock('2026-06-15T10:00:00Z');
  const options = (extra: Partial<ImportOptions> = {}) => ({ actor: 'cli:test', defaultCountry: 'DE', defaultLevel: 'bronze' as const, scheme: server.registry.scheme, now: clock.now(), ...extra });
  const run = (text: string, extra: Partial<ImportOptions> = {}) => importRegister(server.database, server.keyring, text, options(extra));
  /** Imports with the demo's Kompass scheme set up beside the ECEI's. */
  const runWithKompass = async (text: string) => {
    await server.registry.schemes.put(parseScheme(KOMPASS), 'test');
    return run(text, { schemes: await server.registry.schemes.list() });
  };
  const count = async (table: 'clusters' | 'labels' | 'audit_log') => Number((await server.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeEach(async () => {
    server = await startTestServer(dialect, { now: clock.now });
  });
  afterEach(() => server?.cleanup());

  it('imports the register’s columns: ids from names, origins from www, labels from their end date', async () => {
    const report = await run(REGISTER);
    expect(report).toMatchObject({ applied: true, rows: 3, errors: [], unchanged: 0 });
    expect(report.created).toEqual(['nordlicht-photonics-cluster', 'tejo-maritime-blue-economy', 'alpenhof-food-valley']);
    expect(report.labelled).toEqual(['nordlicht-photonics-cluster', 'tejo-maritime-blue-economy']);

    expect(await server.registry.getCluster('tejo-maritime-blue-economy')).toMatchObject({ name: 'Tejo Maritime; Blue Economy', sites: ['https://tejo.example'], country: 'DE', portfolio: 'Maritime' });
    // Bronze is valid 24 months from the month of assessment: ending March 2027 means assessed March 2025.
    expect(await server.registry.getCurrentLabel('nordlicht-photonics-cluster')).toMatchObject({ level: 'bronze', awarded: '2025-03-01', validUntil: '2027-03-31', status: 'valid' });
    expect(await server.registry.getCurrentLabel('tejo-maritime-blue-economy')).toMatchObject({ validUntil: '2015-04-30', status: 'expired' });
    expect(await server.registry.getCurrentLabel('alpenhof-food-valley')).toBeUndefined();

    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ action: 'register.import', actor: 'cli:test', subject: `import:${report.sha256.slice(0, 16)}`, after: { sha256: report.sha256, rows: 3 } });
    expect(await count('audit_log')).toBe(3); // the first signing and log keys, then the import: one entry for the whole file
    expect((await verifyChain(server.database.db, server.keyring.allPublicKeys())).ok).toBe(true);
    // The attestation reads the imported label.
    const token = await server.app.request('/v1/clusters/nordlicht-photonics-cluster/attestation');
    expect(token.status).toBe(200);
  });

  it('shows in a dry run what it would do, and writes nothing', async () => {
    const before = await count('audit_log');
    const report = await run(REGISTER, { dryRun: true });
    expect(report).toMatchObject({ applied: false, created: ['nordlicht-photonics-cluster', 'tejo-maritime-blue-economy', 'alpenhof-food-valley'] });
    expect(await count('clusters')).toBe(0);
    expect(await count('audit_log')).toBe(before);
  });

  it('reports every bad line with its number and reason, and imports none', async () => {
    const text = [
      'Name,www,Label valid until,Level,Country',
      'Good Cluster,,2027-01-31,silver,FR',
      ',,2027-01-31,silver,FR',
      '"Multi',
      'line name",,2027-02-30,silver,FR',
      'Level Only,,,gold,FR',
      'Bad Site,ftp://x.example,,,FR',
      'Bad Level,,2027-01-31,platinum,FR',
      'No Country,,2027-01-31,gold,',
      'Good Cluster,,2027-01-31,silver,FR',
    ].join('\n');
    const report = await run(text, { defaultCountry: undefined });
    expect(report.applied).toBe(false);
    expect(report.errors).toEqual([
      { line: 3, code: 'name_empty', reason: 'the name is empty' },
      { line: 4, code: 'not_a_date', details: { value: '2027-02-30' }, reason: expect.stringContaining('"2027-02-30" is not a date') },
      { line: 6, code: 'level_without_date', reason: 'a level without a valid-until date' },
      { line: 7, code: 'not_a_website', details: { value: 'ftp://x.example' }, reason: '"ftp://x.example" is not a website address' },
      { line: 8, code: 'not_a_level', details: { value: 'platinum', scheme: 'ecei', levels: 'bronze, silver, gold' }, reason: '"platinum" is not a level of the scheme ecei (bronze, silver, gold)' },
      { line: 9, code: 'country_missing', reason: expect.stringContaining('the country is missing') },
      { line: 10, code: 'duplicate_id', details: { id: 'good-cluster', first: 2 }, reason: 'the id "good-cluster" is already used on line 2' },
    ]);
    expect(await count('clusters')).toBe(0);
  });

  it('changes nothing when the same file is imported again', async () => {
    await run(REGISTER);
    const audit = await count('audit_log');
    const again = await run(REGISTER);
    expect(again).toMatchObject({ applied: true, created: [], updated: [], labelled: [], unchanged: 3 });
    expect(await count('audit_log')).toBe(audit);
    expect(await count('labels')).toBe(2);
  });

  it('applies a later file: changed fields, an extended label, a new level replacing the old', async () => {
    await run(REGISTER);
    const later = [
      'Name;Comparative portfolio;www;Label valid until;Level',
      'Nordlicht Photonics Cluster;Photonics and optics;www.nordlicht.example;2030/03/31;bronze',
      '"Tejo Maritime; Blue Economy";Maritime;https://tejo.example;2027-12-31;silver',
      'Alpenhof Food Valley;;;',
    ].join('\n');
    const report = await run(later);
    expect(report).toMatchObject({ updated: ['nordlicht-photonics-cluster'], labelled: ['nordlicht-photonics-cluster', 'tejo-maritime-blue-economy'], unchanged: 1 });
    expect(await server.registry.getLabels('nordlicht-photonics-cluster')).toEqual([expect.objectContaining({ validUntil: '2030-03-31', status: 'valid' })]);
    expect((await server.registry.getLabels('tejo-maritime-blue-economy')).map((l) => [l.level, l.status])).toEqual([
      ['bronze', 'superseded'],
      ['silver', 'valid'],
    ]);
  });

  it('leaves nothing half-done when interrupted mid-way', async () => {
    const lines = ['Name,Label valid until,Level'];
    for (let i = 0; i < 600; i++) lines.push(`Cluster number ${i},2027-06-30,gold`);
    const audit = await count('audit_log');
    await expect(
      run(lines.join('\n'), {
        onProgress(done) {
          if (done >= 400) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(await count('clusters')).toBe(0);
    expect(await count('labels')).toBe(0);
    expect(await count('audit_log')).toBe(audit);
  });

  it('exports a file that imports again without a change, including clusters registered by hand', async () => {
    await run(REGISTER);
    await createTestCluster(server, 'hand-made', { name: 'Made By Hand, Inc.' });
    await server.registry.award('hand-made', { level: 'gold', awarded: '2026-01-15' }, 'test');
    await server.registry.revoke('hand-made', { reason: 'Test', note: null }, 'test');
    const { csv, rows } = await exportRegister(server.database);
    expect(rows).toBe(4);
    expect(csv.split('\r\n')[0]).toBe('Id,Name,Organisation,Country,Comparative portfolio,www,Level,Label valid until,Status');
    expect(csv).toContain('hand-made,"Made By Hand, Inc.",Test organisation,DE,Testing,https://www.example.org,gold,2028-01-31,revoked');
    const again = await run(csv);
    expect(again).toMatchObject({ errors: [], created: [], updated: [], labelled: [], unchanged: 4, ignoredColumns: ['Status'] });
  });

  it('imports a label per scheme: one line per cluster and scheme, the ECEI’s where no scheme is named', async () => {
    const report = await runWithKompass(
      [
        'Id,Name,Country,Scheme,Level,Label valid until',
        'nordlicht,Nordlicht Photonics,DE,,Silber,2027-03-31',
        'nordlicht,Nordlicht Photonics,DE,Kompass,Member,2028-12-31',
        'weser,Weser Hydrogen,DE,kompass,member,2025-12-31',
      ].join('\n'),
    );
    expect(report).toMatchObject({ applied: true, errors: [], created: ['nordlicht', 'weser'], labelled: ['nordlicht', 'weser'] });
    expect(await server.registry.getCurrentLabels('nordlicht')).toMatchObject([
      { scheme: 'ecei', level: 'silver', validUntil: '2027-03-31', status: 'valid' },
      // Kompass members hold 36 months: ending December 2028 means assessed December 2025.
      { scheme: 'kompass', level: 'member', awarded: '2025-12-01', validUntil: '2028-12-31', status: 'valid' },
    ]);
    expect(await server.registry.getCurrentLabels('weser')).toMatchObject([{ scheme: 'kompass', level: 'member', validUntil: '2025-12-31', status: 'expired' }]);
    // The ECEI label stays the one the register's search and the token's `label` read.
    expect(await server.registry.getCurrentLabel('weser')).toBeUndefined();
  });

  it('refuses a scheme the register does not know, a level not of the line’s scheme, and lines of one cluster that disagree', async () => {
    const report = await runWithKompass(
      [
        'Id,Name,Country,Scheme,Level,Label valid until',
        'a,Alpha,DE,go-cluster,member,2027-01-31',
        'b,Beta,DE,kompass,gold,2027-01-31',
        'c,Gamma,DE,,member,2027-01-31',
        'd,Delta,DE,,gold,2027-01-31',
        'd,Delta Two,DE,kompass,member,2027-01-31',
        'd,Delta,DE,,silver,2027-01-31',
      ].join('\n'),
    );
    expect(report.errors).toEqual([
      { line: 2, code: 'unknown_scheme', details: { value: 'go-cluster' }, reason: '"go-cluster" is not a scheme of this register' },
      { line: 3, code: 'not_a_level', details: { value: 'gold', scheme: 'kompass', levels: 'member' }, reason: '"gold" is not a level of the scheme kompass (member)' },
      { line: 4, code: 'not_a_level', details: { value: 'member', scheme: 'ecei', levels: 'bronze, silver, gold' }, reason: '"member" is not a level of the scheme ecei (bronze, silver, gold)' },
      { line: 6, code: 'cluster_lines_differ', details: { id: 'd', first: 5 }, reason: 'the cluster "d" has other details on line 5; its lines must agree' },
      { line: 7, code: 'duplicate_id', details: { id: 'd', first: 5 }, reason: 'the id "d" is already used on line 5' },
    ]);
    expect(report.applied).toBe(false);
    expect(await count('clusters')).toBe(0);
  });

  it('exports a line per cluster and scheme once another scheme’s label exists, and imports it again without a change', async () => {
    await server.registry.schemes.put(parseScheme(KOMPASS), 'test');
    await run(REGISTER);
    await server.registry.award('alpenhof-food-valley', { scheme: 'kompass', level: 'member', awarded: '2026-02-10' }, 'test');
    await server.registry.award('nordlicht-photonics-cluster', { scheme: 'kompass', level: 'member', awarded: '2025-01-10' }, 'test');
    await server.registry.revoke('nordlicht-photonics-cluster', { scheme: 'kompass', reason: 'Test', note: null }, 'test');
    const { csv, rows } = await exportRegister(server.database, clock.now());
    expect(csv.split('\r\n')).toEqual([
      'Id,Name,Organisation,Country,Comparative portfolio,www,Scheme,Level,Label valid until,Status',
      'alpenhof-food-valley,Alpenhof Food Valley,,DE,Agri-food,,kompass,member,2029-02-28,valid',
      'nordlicht-photonics-cluster,Nordlicht Photonics Cluster,,DE,Photonics,https://www.nordlicht.example,ecei,bronze,2027-03-31,valid',
      'nordlicht-photonics-cluster,Nordlicht Photonics Cluster,,DE,Photonics,https://www.nordlicht.example,kompass,member,2028-01-31,revoked',
      'tejo-maritime-blue-economy,"Tejo Maritime; Blue Economy",,DE,Maritime,https://tejo.example,ecei,bronze,2015-04-30,expired',
      '',
    ]);
    expect(rows).toBe(4);
    const labels = await count('labels');
    const again = await run(csv, { schemes: await server.registry.schemes.list() });
    expect(again).toMatchObject({ errors: [], created: [], updated: [], labelled: [], unchanged: 3, ignoredColumns: ['Status'] });
    expect(await count('labels')).toBe(labels);
  });

  it('guards spreadsheet formulas on export and reads them back unchanged', async () => {
    await run('Name,Comparative portfolio\nFormula Cluster,=HYPERLINK("x")\n');
    const { csv } = await exportRegister(server.database);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect((await run(csv)).unchanged).toBe(1);
  });

  it('imports 1,300 lines in time that grows with the lines, not faster, and again without a change', async () => {
    const register = (from: number, to: number) => {
      const lines = ['Name;Comparative portfolio;www;Label valid until;Level;Country'];
      for (let i = from; i < to; i++) lines.push(`Cluster ${i} Innovation Network;Portfolio ${i % 40};www.cluster-${i}.example;20${26 + (i % 4)}/0${1 + (i % 9)}/2${i % 8};${['bronze', 'silver', 'gold'][i % 3]};${['DE', 'FR', 'ES', 'PL'][i % 4]}`);
      return lines.join('\n');
    };
    const timed = async (text: string) => {
      const started = performance.now();
      const report = await run(text);
      return { report, ms: performance.now() - started };
    };
    // The same work at a tenth of the size, timed on this machine now, is the yardstick: a
    // write per row that crept in (or a quadratic check) would show, whatever the machine.
    const small = await timed(register(10_000, 10_130));
    const full = await timed(register(0, 1300));
    expect(full.report.errors).toEqual([]);
    expect(full.report.created).toHaveLength(1300);
    expect(full.ms / small.ms).toBeLessThan(40);
    console.log(`[import] 1,300 lines in ${(full.ms / 1000).toFixed(2)} s, 130 in ${(small.ms / 1000).toFixed(2)} s (${dialect}, this machine now)`);
    expect(await count('labels')).toBe(1430);
    expect((await run(register(0, 1300))).unchanged).toBe(1300);
  });

  it(dialect === 'sqlite' ? 'backs up the SQLite registry with VACUUM INTO' : 'refuses a file backup on PostgreSQL', async () => {
    await run(REGISTER);
    const file = join(server.dataDir, 'backup.sqlite');
    if (dialect !== 'sqlite') {
      await expect(backupSqlite(server.database, file)).rejects.toMatchObject({ code: 'backup_not_sqlite' });
      return;
    }
    await backupSqlite(server.database, file);
    const copy = openSqlite(file);
    try {
      expect((await copy.db.selectFrom('clusters').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['alpenhof-food-valley', 'nordlicht-photonics-cluster', 'tejo-maritime-blue-economy']);
    } finally {
      await copy.close();
    }
    await expect(backupSqlite(server.database, file)).rejects.toMatchObject({ code: 'backup_exists' });
    expect(existsSync(file)).toBe(true);
  });
});
