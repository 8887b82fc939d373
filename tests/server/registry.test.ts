import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/log.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('registry', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha');
  });
  afterEach(() => server.cleanup());

  it('keeps the whole history: a new level supersedes the current label', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2025-02-10' }, 'test');
    await server.registry.upgrade('alpha', { level: 'silver', awarded: '2026-06-01' }, 'test');
    const history = await server.registry.getLabels('alpha');
    expect(history.map((l) => [l.level, l.status, l.validUntil])).toEqual([
      ['bronze', 'superseded', '2027-02-28'],
      ['silver', 'valid', '2028-06-30'],
    ]);
  });

  it('changes nothing when the version a writer read is no longer current', async () => {
    const read = (await server.registry.version('alpha'))!;
    // A colleague renames the cluster after the version was read …
    await server.registry.updateCluster('alpha', { name: 'Alpha Renamed' }, 'colleague');
    const audited = (await server.registry.audit()).length;
    // … so a change based on the old version is refused, whichever write it is.
    await expect(server.registry.updateCluster('alpha', { name: 'Alpha Stale' }, 'test', read)).rejects.toMatchObject({ code: 'precondition_failed' });
    await expect(server.registry.award('alpha', { level: 'gold', awarded: '2026-06-01' }, 'test', read)).rejects.toMatchObject({ code: 'precondition_failed' });
    expect((await server.registry.getCluster('alpha'))!.name).toBe('Alpha Renamed');
    expect(await server.registry.getCurrentLabel('alpha')).toBeUndefined();
    expect(await server.registry.audit()).toHaveLength(audited);

    // The current version is accepted, and the write makes a new one.
    const current = (await server.registry.version('alpha'))!;
    expect(current).not.toBe(read);
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-06-01' }, 'test', current);
    expect(await server.registry.version('alpha')).not.toBe(current);
    await expect(server.registry.updateCluster('nobody', { name: 'X' }, 'test', current)).rejects.toMatchObject({ code: 'cluster_not_found' });
  });

  it('renews an expired label within the grace year, from its previous end', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-03-14' }, 'test');
    expect(await server.registry.sweepExpired()).toBe(1);
    expect((await server.registry.getCurrentLabel('alpha'))!.status).toBe('expired');
    const renewed = await server.registry.renew('alpha', {}, 'test');
    expect(renewed).toMatchObject({ status: 'valid', validUntil: '2029-03-31' });
  });

  // Several instances share a registry only on PostgreSQL; the embedded SQLite registry has one
  // process writing (a second process, such as the CLI, waits for the file lock).
  const secondInstance = () => (dialect === 'postgres' ? startTestServer(dialect, { now: clock.now, shareWith: server }) : Promise.resolve(undefined));

  it('records each expiry once, however often and from however many instances the sweep runs', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-06-20' }, 'test');
    await createTestCluster(server, 'beta');
    await server.registry.award('beta', { level: 'gold', awarded: '2025-01-01' }, 'test');
    expect(await server.registry.sweepExpired()).toBe(0);
    clock.set('2026-07-01T00:00:01Z');
    const other = await secondInstance();
    try {
      const counts = await Promise.all([server.registry.sweepExpired(), (other ?? server).registry.sweepExpired(), server.registry.sweepExpired()]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await other?.cleanup();
    }
    const expiries = (await server.registry.audit({ action: 'label.expire' })).map((e) => e.subject);
    expect(expiries).toEqual(['alpha']);
  });

  it('lists labels expiring soon and those waiting to be withdrawn', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-07-03' }, 'test'); // ends 2026-07-31
    await createTestCluster(server, 'beta');
    await server.registry.award('beta', { level: 'bronze', awarded: '2023-02-01' }, 'test'); // ended 2025-02-28
    await createTestCluster(server, 'gamma');
    await server.registry.award('gamma', { level: 'silver', awarded: '2026-01-01' }, 'test');
    expect((await server.registry.expiringWithin(30)).map((e) => e.cluster.id)).toEqual([]);
    expect((await server.registry.expiringWithin(60)).map((e) => e.cluster.id)).toEqual(['alpha']);
    expect((await server.registry.awaitingWithdrawal()).map((e) => [e.cluster.id, e.graceEnded])).toEqual([['beta', '2026-02-28']]);
    await server.registry.withdraw('beta', 'test');
    expect(await server.registry.awaitingWithdrawal()).toEqual([]);
  });

  it('serialises concurrent writers and keeps the chain whole', async () => {
    const other = (await secondInstance()) ?? server;
    try {
      const ids = Array.from({ length: 6 }, (_, i) => `c${i}`);
      await Promise.all(ids.map((id, i) => createTestCluster(i % 2 ? other : server, id)));
      const results = await Promise.allSettled([
        server.registry.award('alpha', { level: 'bronze' }, 'one'),
        other.registry.award('alpha', { level: 'silver' }, 'two'),
      ]);
      // Exactly one award wins; the other sees the label it made.
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'label_already_held' } });
      const report = await verifyChain(server.database.db, server.keyring.allPublicKeys());
      // The first signing key, the log key, alpha, the six, one award.
      expect(report).toEqual({ ok: true, entries: 1 + 1 + 1 + 6 + 1 });
    } finally {
      if (other !== server) await other.cleanup();
    }
  });
});
