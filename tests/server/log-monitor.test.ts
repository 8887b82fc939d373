import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { logCommands } from '../../server/cli/log.ts';
import type { Cli } from '../../server/cli/command.ts';
import { allNodes, leafHash } from '../../server/log/proof.ts';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

describeEachDialect('log verify and log watch', (dialect) => {
  let server: TestServer;
  let http: ServerType;
  let issuer: string;
  let output: string[];

  beforeEach(async () => {
    server = await startTestServer(dialect);
    http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => http.once('listening', resolve));
    issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    output = [];
    await createTestCluster(server, 'alpha');
    await createTestCluster(server, 'beta');
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    await server.log.publish();
  });
  afterEach(async () => {
    await new Promise((resolve) => http.close(resolve));
    await server.cleanup();
  });

  const cli = (): Cli => ({ io: { env: {}, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, services: server, actor: 'test', out: (line) => output.push(line), note: () => {} });
  const run = (name: string, args: Record<string, string> = {}, options: Record<string, string | boolean> = {}) => logCommands.find((c) => c.name === name)!.run(cli(), args, options);

  /**
   * What a dishonest operator could do with database access: change an entry, recompute
   * every hash, and sign a new checkpoint — dropping the published ones unless told not to.
   */
  async function rewriteHistory({ keepCheckpoints = false } = {}) {
    const db = server.database.db;
    const victim = await db.selectFrom('log_entries').select(['idx', 'data']).where('subject', '=', 'alpha').orderBy('idx').limit(1).executeTakeFirstOrThrow();
    await db.updateTable('log_entries').set({ data: victim.data.replace('"Cluster alpha"', '"Someone else"') }).where('idx', '=', victim.idx).execute();
    const entries = await db.selectFrom('log_entries').select('data').orderBy('idx').execute();
    await db.deleteFrom('log_nodes').execute();
    const nodes = [...allNodes(entries.map((e) => leafHash(Buffer.from(e.data))))].map(([key, hash]) => {
      const [level, idx] = key.split('/').map(Number);
      return { level: level!, idx: idx!, hash: Buffer.from(hash).toString('hex') };
    });
    await db.insertInto('log_nodes').values(nodes).execute();
    if (!keepCheckpoints) await db.deleteFrom('log_checkpoints').execute();
    await createTestCluster(server, 'gamma');
    await server.log.publish();
  }

  it('log verify: the log holds, and an entry rewritten under a published checkpoint is found, every hash recomputed', async () => {
    expect(await run('log verify')).toBeUndefined();
    expect(output.at(-1)).toMatch(/^The log holds: \d+ entries, 1 checkpoints verified/);
    await rewriteHistory({ keepCheckpoints: true });
    expect(await run('log verify')).toBe(2);
    expect(output.at(-1)).toMatch(/^The log does not hold: /);
  });

  it('log verify: an entry whose audit anchor the chain does not hold is found', async () => {
    const db = server.database.db;
    const last = await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await db.updateTable('audit_log').set({ hash: 'f'.repeat(64) }).where('seq', '=', last.seq).execute();
    expect(await run('log verify')).toBe(2);
    expect(output.at(-1)).toMatch(/audit/);
  });

  it('log watch: prints new entries (or one cluster’s), continues from its state, and exits 2 when the history was rewritten, published checkpoints and all', async () => {
    const state = `${server.dataDir}/watch.json`;
    expect(await run('log watch', { issuer }, { once: true, state, cluster: 'alpha' })).toBeUndefined();
    expect(output.map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)).change)).toEqual(['cluster.create', 'label.award']);
    output = [];
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
    await server.log.publish();
    expect(await run('log watch', { issuer }, { once: true, state })).toBeUndefined();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('"change":"label.revoke"');
    await rewriteHistory();
    expect(await run('log watch', { issuer }, { once: true, state })).toBe(2);
    expect(output.at(-1)).toMatch(/^INCONSISTENT: .*rewritten/);
  });
});
