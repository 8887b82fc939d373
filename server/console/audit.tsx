import { Hono } from 'hono';
import { verifyChain } from '../audit/log.ts';
import { isIsoDate } from '../domain/dates.ts';
import { fail } from '../errors.ts';
import { distinctValues } from '../registry/distinct.ts';
import { userActor } from './accounts.ts';
import { actorNames, pageOf, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { guard } from './guard.ts';
import { AuditPage, type AuditFilters } from './views/audit.tsx';

const PAGE = 50;

/**
 * The audit log, a page at a time, filtered by subject, actor, action and time.
 * The whole chain is verified on request (`verify=1`), not on every page: its
 * cost grows with the log.
 */
export function auditRoutes(deps: ConsoleDeps) {
  const { registry, keyring } = deps.services;
  const app = new Hono<ConsoleEnv>();
  app.get('/audit', ...guard('viewer'), async (c) => {
    const text = (name: string, max: number) => (c.req.query(name) ?? '').trim().slice(0, max);
    const filters: AuditFilters = { subject: text('subject', 200), actor: text('actor', 254), action: text('action', 100), from: text('from', 10), until: text('until', 10) };
    for (const name of ['from', 'until'] as const) {
      if (filters[name] && !isIsoDate(filters[name])) throw fail('invalid_query', { parameter: name, rule: 'must be a date such as 2026-03-31' });
    }
    const beforeRaw = Number(c.req.query('before'));
    const before = Number.isInteger(beforeRaw) && beforeRaw > 0 ? beforeRaw : undefined;
    const actorName = await actorNames(deps);
    // People know an account by its e-mail address; the log keeps its actor id.
    const accounts = await deps.accounts.list();
    const actor = accounts.find((u) => u.email === filters.actor.toLowerCase());
    const until = filters.until ? new Date(Date.parse(filters.until) + 86_400_000).toISOString().slice(0, 10) : undefined;
    const [entries, head, actions, chain] = await Promise.all([
      registry.audit({
        subject: filters.subject || undefined,
        actor: actor ? userActor(actor) : filters.actor || undefined,
        action: filters.action || undefined,
        from: filters.from || undefined,
        until,
        before,
        limit: PAGE,
      }),
      registry.auditHead(),
      distinctValues(registry.db, 'audit_log', 'action'),
      c.req.query('verify') === '1' ? verifyChain(registry.db, keyring.allPublicKeys()) : undefined,
    ]);
    const nextBefore = entries.length === PAGE ? entries[entries.length - 1]!.seq : undefined;
    return c.html(<AuditPage page={pageOf(c, deps)} entries={entries} filters={filters} actions={actions} chain={chain} head={head} before={before} nextBefore={nextBefore} actorName={actorName} />);
  });
  return app;
}

