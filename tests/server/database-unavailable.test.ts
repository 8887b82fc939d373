import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { importRegister } from '../../server/import/register-import.ts';
import { jsonLogger } from '../../server/log.ts';
import { coveredSize, treeSize } from '../../server/log/store.ts';
import { write } from '../../server/registry/writes.ts';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

/** Another process's (SQLite) or session's (PostgreSQL) transaction that holds the write lock until released. */
async function holdWriteLock(server: TestServer): Promise<() => Promise<void>> {
  if (!server.databaseUrl) {
    const file = join(server.dataDir, 'registry.sqlite');
    const script = "const S = require('libsql'); const d = new S(process.argv[1]); d.exec('begin immediate'); process.stdout.write('locked'); process.stdin.on('data', () => { d.exec('rollback'); process.exit(0); });";
    const child = spawn(process.execPath, ['-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(child.stdout, 'data');
    return async () => {
      child.stdin.write('release\n');
      await once(child, 'exit');
    };
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  await client.query('begin');
  // The lock every writer takes first (registry/writes.ts).
  await client.query('select pg_advisory_xact_lock(727001)');
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}

describeEachDialect('a busy database', (dialect) => {
  let server: TestServer;
  let token: string;

  beforeEach(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'alpha');
    token = (await new ApiTokens(server.database, server.keyring, server.now).create('officer', 'officer', 'test')).secret;
  });
  afterEach(() => server.cleanup());

  const rename = (name: string) =>
    server.app.request('/v1/admin/clusters/alpha', { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });

  it('answers a write 503 database_busy with Retry-After while another writer holds the lock past the wait, and reads go on', async () => {
    server.database.writeWaitMs = 300;
    // Signed once before: its first signing publishes a log checkpoint, which is a write.
    expect((await server.app.request('/v1/clusters/alpha/attestation')).status).toBe(200);
    const release = await holdWriteLock(server);
    try {
      const response = await rename('Alpha Busy');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_busy');
      const read = await server.app.request('/v1/admin/clusters/alpha', { headers: { Authorization: `Bearer ${token}` } });
      expect(read.status, await read.clone().text()).toBe(200);
      const attestation = await server.app.request('/v1/clusters/alpha/attestation');
      expect(attestation.status, await attestation.clone().text()).toBe(200);
    } finally {
      await release();
    }
    expect((await server.registry.getCluster('alpha'))?.name).toBe('Cluster alpha');
    expect((await rename('Alpha Free')).status).toBe(200);
  });

  it('answers the public routes from committed data while a write transaction of this process is open', async () => {
    await createTestCluster(server, 'beta');
    await server.log.publish();
    let entered!: () => void;
    let finish!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (finish = resolve));
    // What an import does for minutes: a transaction that has written and not committed.
    const holding = write(server.database, server.now, async ({ trx }) => {
      await trx.updateTable('clusters').set({ name: 'Not Committed' }).where('id', '=', 'beta').execute();
      entered();
      await gate;
      throw new Error('rolled back');
    });
    const outcome = holding.catch((error: Error) => error.message);
    try {
      await inside;
      for (const id of ['alpha', 'beta']) {
        const attestation = await server.app.request(`/v1/clusters/${id}/attestation`);
        expect(attestation.status, await attestation.clone().text()).toBe(200);
        const token = await attestation.text();
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { cluster: { name: string }; log?: { index: number } };
        expect(claims.cluster.name).toBe(`Cluster ${id}`);
        expect(claims.log).toBeDefined();
      }
      expect((await server.app.request('/.well-known/jwks.json')).status).toBe(200);
      expect((await server.registry.getCluster('beta'))?.name).toBe('Cluster beta');
    } finally {
      finish();
    }
    expect(await outcome).toBe('rolled back');
    // A write, then a read in the same flow: the read sees it.
    expect((await rename('Alpha Seen')).status).toBe(200);
    expect((await server.registry.getCluster('alpha'))?.name).toBe('Alpha Seen');
  });

  it('publishes a checkpoint of everything committed before an import takes the write lock', async () => {
    // Changed after the last checkpoint: its first attestation during the import would need a new one.
    await server.log.publish();
    expect((await rename('Alpha Renamed')).status).toBe(200);
    const before = await treeSize(server.database.db);
    expect(await coveredSize(server.database.db)).toBeLessThan(before);
    const csv = 'Name,Comparative portfolio,www,Label valid until\nImported One,Photonics,https://one.example,2027-12-31\nImported Two,Photonics,https://two.example,\n';
    const report = await importRegister(server.database, server.keyring, csv, { actor: 'test', defaultCountry: 'DE', defaultLevel: 'bronze', scheme: server.registry.scheme, now: server.now(), log: server.log });
    expect(report.applied).toBe(true);
    expect(await treeSize(server.database.db)).toBe(before + 2);
    const published = await server.database.db.selectFrom('log_checkpoints').select('size').where('size', '=', before).execute();
    expect(published).toHaveLength(1);
  });

  it('makes a write that waited for the lock once it is released within the wait', async () => {
    server.database.writeWaitMs = 30_000;
    const release = await holdWriteLock(server);
    const pending = rename('Alpha Waited');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await release();
    expect((await pending).status).toBe(200);
    expect((await server.registry.getCluster('alpha'))?.name).toBe('Alpha Waited');
  });
});

// SQLite is a file of this process: only PostgreSQL can be out of reach.
describe.skipIf(!process.env.TEST_DATABASE_URL)('an unreachable database [postgres]', () => {
  const dialect = 'postgres';
  let server: TestServer;
  let behind: TestServer;
  let cut: () => Promise<void>;

  beforeEach(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'alpha');
    // A second instance that reaches the same database through a TCP relay, which the test then cuts.
    const target = new URL(server.databaseUrl!);
    const sockets = new Set<Socket>();
    const relay = createServer((socket) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      socket.pipe(upstream).pipe(socket);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const address = relay.address() as { port: number };
    const relayed = new URL(server.databaseUrl!);
    relayed.host = `127.0.0.1:${address.port}`;
    behind = await startTestServer(dialect, { shareWith: { ...server, databaseUrl: relayed.href } });
    cut = async () => {
      const closed = once(relay, 'close');
      relay.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    };
  });
  afterEach(async () => {
    await behind.cleanup();
    await server.cleanup();
  });

  it('answers 503 database_unreachable with Retry-After, reads and writes alike, and logs one line without a stack', async () => {
    const lines: string[] = [];
    const app = createApp({ services: behind, widget: behind.widget, logger: jsonLogger((line) => lines.push(line)) });
    const { secret } = await new ApiTokens(server.database, server.keyring, server.now).create('officer', 'officer', 'test');
    const headers = { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' };
    expect((await app.request('/v1/admin/clusters/alpha', { headers })).status).toBe(200);
    await cut();
    for (const request of [
      () => app.request('/v1/admin/clusters/alpha', { headers }),
      () => app.request('/v1/admin/clusters/alpha', { method: 'PATCH', headers, body: '{"name": "Alpha Down"}' }),
      () => app.request('/clusters/alpha'),
    ]) {
      const response = await request();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('10');
      if (response.headers.get('content-type')?.startsWith('application/json')) {
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_unreachable');
      }
    }
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'database_unreachable' || entry.event === 'unhandled_error');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((entry) => entry.event === 'database_unreachable' && !('stack' in entry))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
  });
});
