import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/log.ts';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

describeEachDialect('faults', (dialect) => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'alpha');
  });
  afterEach(() => server.cleanup());

  /** Runs a fixture against this test's registry; resolves with the signal that ended it. */
  const runKilled = (fixture: string, ...args: string[]) => {
    const env = {
      PATH: process.env.PATH!,
      DATA_DIR: server.dataDir,
      KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      SEED_DEMO: 'off',
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', `tests/support/fixtures/${fixture}`, ...args], { env, stdio: 'ignore' });
    return new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  };

  it('leaves nothing half-written when the process is killed inside an award', async () => {
    const head = await server.registry.auditHead();
    expect(await runKilled('killed-award.ts', 'alpha')).toBe('SIGKILL');
    expect(await server.registry.getLabels('alpha')).toEqual([]);
    expect(await server.registry.auditHead()).toEqual(head);
    // The registry still takes writes: no lock was left behind.
    await server.registry.award('alpha', { level: 'silver' }, 'test');
    expect((await verifyChain(server.database.db, server.keyring.allPublicKeys())).ok).toBe(true);
  });

  it('leaves nothing half-written when the process is killed halfway through an import', async () => {
    const head = await server.registry.auditHead();
    const clusters = async () => (await server.database.db.selectFrom('clusters').select('id').execute()).map((row) => row.id);
    const before = await clusters();
    expect(await runKilled('killed-import.ts')).toBe('SIGKILL');
    expect(await clusters()).toEqual(before);
    expect(await server.database.db.selectFrom('labels').selectAll().execute()).toEqual([]);
    expect(await server.registry.auditHead()).toEqual(head);
    await server.registry.award('alpha', { level: 'silver' }, 'test');
    expect((await verifyChain(server.database.db, server.keyring.allPublicKeys())).ok).toBe(true);
  });

  if (dialect === 'postgres') {
    it('recovers without a restart when its database connections are cut', async () => {
      expect((await server.app.request('/v1/clusters/alpha/attestation')).status).toBe(200);
      const name = new URL(server.databaseUrl!).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await admin.end();
      // The pool notices the dead connections and opens new ones.
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
        status = (await server.app.request('/healthz')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      await server.registry.award('alpha', { level: 'bronze' }, 'test');
      const token = await (await server.app.request('/v1/clusters/alpha/attestation')).text();
      expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).label.status).toBe('valid');
    });
  }
});
