import { createApp } from '../../server/app.ts';
import { readConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/log.ts';
import { openServices } from '../../server/services.ts';
import { loadWidgetAssets } from '../../server/widget-assets.ts';
const NOW = new Date('2026-06-15T10:00:00Z');
const config = readConfig({ DATA_DIR: '/tmp/perf/search-db', SEED_DEMO: 'off', PUBLIC_URL: 'http://localhost:1', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
const services = await openServices(config, { now: () => NOW });
const app = createApp({ services, widget: loadWidgetAssets(), logger: silentLogger });
const pages = process.argv.slice(2);
for (let r = 0; r < 4; r++) for (const p of pages) {
  const c = process.cpuUsage(); const t = performance.now();
  const res = await app.request(p); await res.text();
  const u = process.cpuUsage(c);
  if (r > 0) console.log(p.padEnd(50), 'wall', (performance.now() - t).toFixed(1), 'cpu', ((u.user + u.system) / 1000).toFixed(1), res.status);
}
await services.close();
