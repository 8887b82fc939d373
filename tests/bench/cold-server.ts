// The issuer as `npm start` runs it, for the cold-path benchmark (cold.ts): the same app on
// @hono/node-server, with the token cache emptied before every request, so that every
// answer reads the registry, proves the entry in the log and signs. Its standard output
// is one line once listening.
import { serve } from '@hono/node-server';
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
serve({
  fetch: (request, env) => {
    services.attestations.clear();
    return app.fetch(request, env);
  },
  port: config.port,
});
process.stdout.write('ready\n');
