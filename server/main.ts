// The only file that touches the environment, ports and signals.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { jsonLogger, RequestLog } from './log.ts';
import { seedDemo } from './seed.ts';
import { openServices } from './services.ts';
import { loadWidgetAssets } from './widget-assets.ts';
import { ReminderWorker } from './reminders/worker.ts';

const logger = jsonLogger();
/** How often the counts of successful public reads are written to the log. */
const REQUEST_LOG_SECONDS = 60;

function fail(error: unknown): never {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`cluster-label could not start: ${message ?? String(error)}${code ? ` [${code}]` : ''}\n`);
  process.exit(1);
}

async function main() {
  const config = readConfig();
  const services = await openServices(config, { onWitnessRefusal: (witness, reason) => logger.warn('witness_refused', { witness, reason }) });
  const demoSite = config.demoPort ? `http://localhost:${config.demoPort}` : undefined;
  if (config.seedDemo && (await seedDemo(services.registry, { sites: demoSite ? [demoSite] : [], now: new Date() }))) {
    logger.info('demo_seeded', { clusters: 7 });
  }
  const widget = loadWidgetAssets();
  if (!widget.code) logger.warn('widget_not_built', { hint: 'run npm run build' });
  const requestLog = new RequestLog(logger);
  const app = createApp({ services, widget, logger, requestLog });

  const server = serve({ fetch: app.fetch, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? Object.assign(new Error(`port ${config.port} is already in use; set PORT to another one.`), { code: 'port_in_use' }) : error),
    );
  });

  // Periodic jobs: one round at a time, a failure logged and tried again at the next tick.
  const every = (seconds: number, name: string, job: () => Promise<void>) => {
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await job();
      } catch (error) {
        logger.warn(`${name}_failed`, { message: (error as Error).message });
      } finally {
        running = false;
      }
    };
    return { run, timer: setInterval(run, seconds * 1000) };
  };
  const reminders = new ReminderWorker({ database: services.database, config: config.reminders, programmeName: config.programmeName, issuer: config.publicUrl, now: services.now, logger });
  const jobs = [
    every(config.expirySweepSeconds, 'expiry_sweep', async () => {
      const swept = await services.registry.sweepExpired();
      if (swept) logger.info('labels_expired', { count: swept });
    }),
    every(config.keyRefreshSeconds, 'key_refresh', async () => {
      if (await services.keyring.refresh()) logger.info('keys_changed', { signingKid: services.keyring.currentKid });
    }),
    // Any instance may publish: the checkpoint lives in the database, written once per size.
    every(config.logCheckpointSeconds, 'log_checkpoint', async () => void (await services.log.publish())),
    every(REQUEST_LOG_SECONDS, 'request_log', async () => requestLog.flush()),
    every(config.reminders.intervalSeconds, 'reminders', async () => {
      const round = await reminders.tick();
      if (round.queued || round.sent || round.failed) logger.info('reminders', { ...round });
    }),
  ];
  await jobs[0]!.run();

  const demo = demoSite ? await (await import('../demo/serve.ts')).startDemo({ issuerUrl: config.publicUrl, port: config.demoPort }) : undefined;

  const port = (server.address() as AddressInfo).port;
  logger.info('started', { issuer: config.publicUrl, port, registry: services.database.describe, signingKid: services.keyring.currentKid });
  process.stdout.write(
    [
      '',
      `  cluster-label issuer   ${config.publicUrl}   (listening on port ${port})`,
      `  register               ${config.publicUrl}/clusters`,
      `  attestation            ${config.publicUrl}/v1/clusters/demo-silver/attestation`,
      `  keys                   ${config.publicUrl}/.well-known/jwks.json`,
      ...(demo ? demo.urls.map((url, i) => `  ${i === 0 ? 'demo site' : '         '}              ${url}`) : []),
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    for (const job of jobs) clearInterval(job.timer);
    await demo?.close();
    // Requests in flight may finish; a stuck one does not hold the process for ever.
    setTimeout(() => process.exit(1), 10_000).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as import('node:http').Server).closeIdleConnections();
    });
    requestLog.flush();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch(fail);
