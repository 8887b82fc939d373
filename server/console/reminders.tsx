import { Hono } from 'hono';
import { pageOf, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { guard } from './guard.ts';
import { RemindersPage } from './views/reminders.tsx';

/** The reminder deliveries and what the worker sends to. */
export function reminderRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/reminders', ...guard('viewer'), async (c) => {
    const [deliveries, counts] = await Promise.all([deps.outbox.list({ limit: 200 }), deps.outbox.counts()]);
    return c.html(<RemindersPage page={pageOf(c, deps)} deliveries={deliveries} counts={counts} channels={deps.options.reminderChannels} />);
  });
  return app;
}
