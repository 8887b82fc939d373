import { afterEach, beforeEach, expect, it } from 'vitest';
import { listClusters, queueDates } from '../../server/console/list.ts';
import { exportRegister } from '../../server/import/index.ts';
import { currentLabels } from '../../server/registry/current-label.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('the current label', (dialect) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(dialect, { now: testClock('2026-06-15T10:00:00Z').now });
    await createTestCluster(server, 'alpha');
    await createTestCluster(server, 'beta');
    await createTestCluster(server, 'gamma');
    // alpha: bronze, upgraded to gold, then revoked; beta: silver; gamma: none.
    await server.registry.award('alpha', { level: 'bronze' }, 'test');
    await server.registry.award('beta', { level: 'silver' }, 'test');
    await server.registry.upgrade('alpha', { level: 'gold' }, 'test');
    await server.registry.revoke('alpha', { reason: 'Evidence withdrawn.', note: null }, 'test');
  });
  afterEach(() => server.cleanup());

  it('is one answer for the registry, the console, the export and the attestation', async () => {
    const expected = { alpha: ['gold', 'revoked'], beta: ['silver', 'valid'] };

    const single = await Promise.all(['alpha', 'beta', 'gamma'].map((id) => server.registry.getCurrentLabel(id)));
    expect(single.map((label) => label && [label.level, label.status])).toEqual([expected.alpha, expected.beta, undefined]);

    const many = await currentLabels(server.database.db, ['alpha', 'beta', 'gamma']);
    expect(Object.fromEntries([...many].map(([id, label]) => [id, [label.level, label.status]]))).toEqual(expected);

    const { items } = await server.registry.listClusters({ offset: 0, limit: 10 });
    expect(items.map(({ cluster, label }) => [cluster.id, label && [label.level, label.status]])).toEqual([['alpha', expected.alpha], ['beta', expected.beta], ['gamma', undefined]]);

    const console = await listClusters(server.database.db, server.database.dialect, { sort: 'name' }, queueDates(server.now(), server.registry.scheme));
    expect(Object.fromEntries(console.rows.map((row) => [row.id, row.level && [row.level, row.status]]))).toEqual({ ...expected, gamma: null });

    const { csv } = await exportRegister(server.database);
    expect(csv).toMatch(/^alpha,.*,gold,\d{4}-\d\d-\d\d,revoked\r?$/m);
    expect(csv).toMatch(/^beta,.*,silver,\d{4}-\d\d-\d\d,valid\r?$/m);

    const subject = await server.registry.getAttestationSubject('alpha');
    expect(subject?.label).toMatchObject({ level: 'gold', status: 'revoked', publicReason: 'Evidence withdrawn.' });
    expect((await server.registry.getAttestationSubject('gamma'))?.label).toBeUndefined();
  });
});
