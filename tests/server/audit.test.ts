import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/log.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('audit chain', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2026-01-05' }, 'officer-a');
    await server.registry.upgrade('alpha', { level: 'silver', awarded: '2026-06-01' }, 'officer-b');
    await server.registry.revoke('alpha', { reason: 'Audit failed.', note: 'internal' }, 'officer-a');
  });
  afterEach(() => server.cleanup());

  const verify = (head?: { seq: number; hash: string }) => verifyChain(server.database.db, server.keyring.allPublicKeys(), head);

  it('records every change once, with who, what, before and after', async () => {
    const entries = await server.registry.audit();
    expect(entries.map((e) => e.action)).toEqual(['label.revoke', 'label.upgrade', 'label.award', 'cluster.create', 'log-key.create', 'key.create']);
    const upgrade = entries[1]!;
    expect(upgrade).toMatchObject({ actor: 'officer-b', subject: 'alpha', before: { level: 'bronze', status: 'valid' }, after: { level: 'silver', status: 'valid' } });
    expect(await verify()).toEqual({ ok: true, entries: 6 });
  });

  it('publishes the signed head of the chain', async () => {
    const head = (await (await server.app.request('/v1/audit/head')).json()) as { seq: number; hash: string; signature: string };
    const newest = (await server.registry.audit({ limit: 1 }))[0]!;
    expect(head).toMatchObject({ seq: newest.seq, hash: newest.hash });
    const payload = JSON.parse(Buffer.from(head.signature.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: 'https://issuer.test', seq: newest.seq, hash: newest.hash });
  });

  it('names an entry whose content was changed in the database', async () => {
    await server.database.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 3).execute();
    expect(await verify()).toMatchObject({ ok: false, brokenAt: { seq: 3, reason: 'its content does not match its hash' } });
  });

  it('names an entry rewritten with a recomputed hash: its signature no longer fits', async () => {
    const { entryHash } = await import('../../server/audit/chain.ts');
    const row = await server.database.db.selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
    const forged = { ...row, actor: 'nobody' };
    const hash = entryHash({ seq: 4, at: row.at, actor: forged.actor, action: row.action, subject: row.subject, before: row.before, after: row.after, prevHash: row.prev_hash });
    await server.database.db.updateTable('audit_log').set({ actor: forged.actor, hash }).where('seq', '=', 4).execute();
    expect(await verify()).toMatchObject({ ok: false, brokenAt: { seq: 4 } });
  });

  it('names a deleted entry, and a chain cut short of a head saved earlier', async () => {
    const saved = (await server.registry.auditHead())!;
    await server.database.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
    expect(await verify()).toMatchObject({ ok: false, brokenAt: { seq: 2, reason: 'entry 2 is missing' } });
    await server.database.db.deleteFrom('audit_log').where('seq', '>=', 2).execute();
    expect(await verify(saved)).toMatchObject({ ok: false, brokenAt: { seq: 2 } });
  });

  it('keeps e-mail addresses out of the chain, so they can be erased', async () => {
    const rows = await server.database.db.selectFrom('audit_log').select(['before', 'after']).execute();
    expect(JSON.stringify(rows)).not.toContain('@alpha.example');
    await server.registry.updateCluster('alpha', { contactEmail: 'new@alpha.example' }, 'test');
    const contacts = await server.database.db.selectFrom('contacts').select('email').execute();
    expect(contacts.map((c) => c.email)).toEqual(['new@alpha.example']);
    await server.registry.updateCluster('alpha', { contactEmail: null }, 'test');
    expect(await server.database.db.selectFrom('contacts').selectAll().execute()).toEqual([]);
    expect((await server.registry.getCluster('alpha'))!.contactEmail).toBeNull();
    expect((await verify()).ok).toBe(true);
  });

  it('writes nothing for a refused change', async () => {
    const head = await server.registry.auditHead();
    await expect(server.registry.award('alpha', { level: 'gold', awarded: '2027-01-01' }, 'test')).rejects.toMatchObject({ code: 'awarded_in_future' });
    await expect(server.registry.award('nobody', { level: 'gold' }, 'test')).rejects.toMatchObject({ code: 'cluster_not_found' });
    await expect(createTestCluster(server, 'alpha')).rejects.toMatchObject({ code: 'cluster_exists' });
    expect(await server.registry.auditHead()).toEqual(head);
    expect(await server.registry.getLabels('alpha')).toHaveLength(2);
  });

  it('rolls back the change when the audit entry cannot be written', async () => {
    await sql`drop table audit_log`.execute(server.database.db);
    await expect(server.registry.award('alpha', { level: 'gold', awarded: '2026-06-10' }, 'test')).rejects.toThrow();
    expect((await server.registry.getCurrentLabel('alpha'))!.status).toBe('revoked');
  });
});
