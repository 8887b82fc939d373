import { Hono } from 'hono';
import { noticeOf, pageOf, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { guard } from './guard.ts';
import { loadOverview } from './overview.ts';
import { DashboardPage } from './views/dashboard.tsx';

/** The dashboard: counts and the next items of each work queue. */
export function dashboardRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', ...guard('viewer'), async (c) => {
    const now = deps.services.now();
    const overview = await loadOverview(deps.services.registry, now);
    return c.html(<DashboardPage page={pageOf(c, deps)} overview={overview} now={now} notice={noticeOf(c)} />);
  });
  return app;
}
