// The issuer as `npm start` runs it, for the cold-path benchmark (cold.ts): the same app on
// @hono/node-server, with the token cache emptied before every request, so that every
// answer reads the registry, proves the entry in the log and signs. With CACHE=keep the
// cache works as in production (crawl.ts: a crawler's requests are cold without help, and
// what the cache keeps is what is measured). Its standard output
// is one line once listening. With CPU_PROFILE=<file> (cold-profile.ts), SIGUSR2 starts
// V8's CPU profiler and SIGINT writes the profile to that file and exits.
import { serve } from '@hono/node-server';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createApp } from '../../server/app.ts';
import { readConfig } from '../../server/config.ts';
import { jsonLogger } from '../../server/log.ts';
import { openServices } from '../../server/services.ts';
import { loadWidgetAssets } from '../../server/widget-assets.ts';

const config = readConfig();
const services = await openServices(config);
const app = createApp({ services, widget: loadWidgetAssets(), logger: jsonLogger() });
// As main.ts does: the log publishes a checkpoint every few seconds, which tokens then carry.
setInterval(() => void services.log.publish().catch(() => {}), config.logCheckpointSeconds * 1000);
const keepCache = process.env.CACHE === 'keep';
serve({
  fetch: (request, env) => {
    if (!keepCache) services.attestations.clear();
    return app.fetch(request, env);
  },
  port: config.port,
});

const profileFile = process.env.CPU_PROFILE;
if (profileFile) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.on('SIGUSR2', () => void session.post('Profiler.start'));
  process.on('SIGINT', () => {
    void session.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(profileFile, JSON.stringify(profile));
      process.exit(0);
    });
  });
}
process.stdout.write('ready\n');
