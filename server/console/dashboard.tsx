import { Hono } from 'hono';
import { actorNames, noticeOf, pageOf, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { guard } from './guard.ts';
import { loadOverview } from './overview.ts';
import { DashboardPage } from './views/dashboard.tsx';

/** The dashboard: counts and the next items of each work queue. */
export function dashboardRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', ...guard('viewer'), async (c) => {
    const now = deps.services.now();
    const [overview, actorName] = await Promise.all([loadOverview(deps.services.registry, now), actorNames(deps)]);
    return c.html(<DashboardPage page={pageOf(c, deps)} overview={overview} now={now} actorName={actorName} notice={noticeOf(c)} />);
  });
  return app;
}
