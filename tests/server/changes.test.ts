import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import type { Change } from '../../server/registry/changes.ts';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

describeEachDialect('change bus', (dialect) => {
  let a: TestServer;
  let b: TestServer;
  beforeEach(async () => {
    a = await startTestServer(dialect);
    b = await startTestServer(dialect, { shareWith: a });
  });
  afterEach(async () => {
    await b.cleanup();
    await a.cleanup();
  });

  const heardBy = (server: TestServer) => {
    const heard: Change[] = [];
    server.database.changes.subscribe((change) => heard.push(change));
    return heard;
  };

  it('tells every instance of every change, in the order of the chain, and each change once', async () => {
    const onA = heardBy(a);
    const onB = heardBy(b);
    await createTestCluster(a, 'alpha');
    await a.registry.award('alpha', { level: 'bronze' }, 'test');
    await b.registry.upgrade('alpha', { level: 'gold' }, 'test');
    await new ApiTokens(b.database, b.keyring, b.now).create('ci', 'viewer', 'test');

    const expected = [
      { action: 'cluster.create', subject: 'alpha' },
      { action: 'label.award', subject: 'alpha' },
      { action: 'label.upgrade', subject: 'alpha' },
      { action: 'token.create', subject: 'token:ci' },
    ];
    for (const heard of [onA, onB]) {
      await vi.waitFor(() => expect(heard).toHaveLength(4), { timeout: 5_000, interval: 10 });
      expect([...heard].sort((x, y) => x.seq - y.seq)).toMatchObject(expected);
    }
    // A further read adds nothing: what an instance committed itself is not heard twice.
    await Promise.all([a.database.changes.read(), b.database.changes.read()]);
    expect(onA).toHaveLength(4);
    expect(onB).toHaveLength(4);
  });

  it('drops a revoked key\'s tokens on every instance, whichever way the key was revoked', async () => {
    await createTestCluster(a, 'beta');
    const first = (await a.attestations.get('beta')).kid;
    expect((await b.attestations.get('beta')).kid).toBe(first);
    const { signingKid } = await a.keyring.revoke(first, 'test');
    expect((await a.attestations.get('beta')).kid).toBe(signingKid);
    await vi.waitFor(async () => expect((await b.attestations.get('beta')).kid).toBe(signingKid), { timeout: 5_000, interval: 10 });
  });
});
