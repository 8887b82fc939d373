import { Hono } from 'hono';
import { verifyChain } from '../audit/log.ts';
import { ConsoleAuditQuery } from '../contract/console.ts';
import { readQuery } from '../contract/query.ts';
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
    const { subject, actor: actorText, action, from, until: untilDay, before, verify } = readQuery(ConsoleAuditQuery, c.req.url);
    const filters: AuditFilters = { subject: subject ?? '', actor: actorText ?? '', action: action ?? '', from: from ?? '', until: untilDay ?? '' };
    const actorName = await actorNames(deps);
    // People know an account by its e-mail address; the log keeps its actor id.
    const accounts = await deps.accounts.list();
    const actor = accounts.find((u) => u.email === filters.actor.toLowerCase());
    const until = untilDay ? new Date(Date.parse(untilDay) + 86_400_000).toISOString().slice(0, 10) : undefined;
    const [entries, head, actions, chain] = await Promise.all([
      registry.audit({
        subject,
        actor: actor ? userActor(actor) : actorText,
        action,
        from,
        until,
        before,
        limit: PAGE,
      }),
      registry.auditHead(),
      distinctValues(registry.db, 'audit_log', 'action'),
      verify ? verifyChain(registry.db, keyring.allPublicKeys()) : undefined,
    ]);
    const nextBefore = entries.length === PAGE ? entries.at(-1)?.seq : undefined;
    return c.html(<AuditPage page={pageOf(c, deps)} entries={entries} filters={filters} actions={actions} chain={chain} head={head} before={before} nextBefore={nextBefore} actorName={actorName} />);
  });
  return app;
}

