// The only file that touches the environment, ports and signals.
import { serve } from '@hono/node-server';
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { codeOf, errorBody, fail as refusal, messageOf } from './errors.ts';
import { readConfig, type Config } from './config.ts';
import { jsonLogger, RequestLog } from './log.ts';
import { seedDemo } from './seed.ts';
import { openServices } from './services.ts';
import { loadWidgetAssets } from './widget-assets.ts';
import { ReminderWorker } from './reminders/worker.ts';

const logger = jsonLogger();
/** How often the counts of successful public reads are written to the log. */
const REQUEST_LOG_SECONDS = 60;

function fail(error: unknown): never {
  const code = codeOf(error);
  process.stderr.write(`cluster-label could not start: ${messageOf(error)}${code ? ` [${code}]` : ''}\n`);
  process.exit(1);
}

/** What each port is for and the setting that moves it, for the message when it is taken. */
function portRoles(config: Config): Map<number, string> {
  const roles = new Map([[config.port, 'the issuer; set PORT to another one']]);
  if (config.demoPort) {
    const demo = 'or DEMO_PORT=0 for no demo';
    roles.set(config.demoPort, `the demo site; set DEMO_PORT to another port whose next one is free too, ${demo}`);
    roles.set(config.demoPort + 1, `the demo's faulty issuer, DEMO_PORT + 1; set DEMO_PORT to another port whose next one is free too, ${demo}`);
  }
  return roles;
}

/** A failure to listen, told in one line that names the port, what it is for and what to change. */
function listenError(error: NodeJS.ErrnoException & { port?: number; address?: string }, config: Config): Error {
  const role = error.port === undefined ? undefined : portRoles(config).get(error.port);
  if (error.code === 'EADDRINUSE') return Object.assign(new Error(`port ${error.port} is already in use (${role ?? 'unknown use'}).`), { code: 'port_in_use' });
  if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    const where = [error.address ?? config.host, error.port === undefined ? undefined : `port ${error.port}`].filter(Boolean).join(', ');
    return Object.assign(new Error(`cannot listen on ${where}: ${error.code}${role ? ` (${role})` : ''}; check HOST and the port settings.`), { code: 'cannot_listen' });
  }
  return error;
}

async function main() {
  const config = readConfig();
  // Every port is bound before anything is written to DATA_DIR: a start that cannot listen leaves nothing behind.
  let app: ReturnType<typeof createApp> | undefined;
  const starting = () =>
    Response.json(errorBody('starting', refusal('starting').message), {
      status: 503,
      headers: { 'Retry-After': '1', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    });
  const server = serve({
    fetch: (request, env) => app?.fetch(request, env) ?? starting(),
    port: config.port,
    ...(config.host ? { hostname: config.host } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => fail(listenError(error, config)));
  const demo = config.demoPort
    ? await (await import('../demo/serve.ts')).startDemo({ issuerUrl: config.publicUrl, port: config.demoPort }).catch((error: NodeJS.ErrnoException) => fail(listenError(error, config)))
    : undefined;

  const services = await openServices(config, { onWitnessRefusal: (witness, reason) => logger.warn('witness_refused', { witness, reason }) });
  const demoSite = config.demoPort ? `http://localhost:${config.demoPort}` : undefined;
  const seeded = config.seedDemo && (await seedDemo(services.registry, { sites: demoSite ? [demoSite] : [], now: new Date() }));
  const widget = loadWidgetAssets();
  const requestLog = new RequestLog(logger);
  app = createApp({ services, widget, logger, requestLog });

  // The addresses first, logs after them.
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(
    [
      '',
      `  cluster-label issuer   ${config.publicUrl}   (listening on ${config.host ?? 'every interface'}, port ${port})`,
      `  register               ${config.publicUrl}/clusters`,
      `  attestation            ${config.publicUrl}/v1/clusters/demo-silver/attestation`,
      `  keys                   ${config.publicUrl}/.well-known/jwks.json`,
      ...(demo ? demo.urls.map((url, i) => `  ${i === 0 ? 'demo site' : '         '}              ${url}`) : []),
      '',
    ].join('\n') + '\n',
  );
  if (seeded) logger.info('demo_seeded', { clusters: 7 });
  if (!widget.code) logger.warn('widget_not_built', { hint: 'run npm run build' });
  logger.info('started', { issuer: config.publicUrl, port, registry: services.database.describe, signingKid: services.keyring.currentKid });

  // Periodic jobs: one round at a time, a failure logged and tried again at the next tick.
  const every = (seconds: number, name: string, job: () => Promise<void>) => {
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await job();
      } catch (error) {
        logger.warn(`${name}_failed`, { message: messageOf(error) });
      } finally {
        running = false;
      }
    };
    return { run, timer: setInterval(run, seconds * 1000) };
  };
  const reminders = new ReminderWorker({ database: services.database, config: config.reminders, scheme: services.registry.scheme, programmeName: config.programmeName, issuer: config.publicUrl, now: services.now, logger });
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
      // Only HTTP/1 keeps idle connections open between requests.
      if (server instanceof Server) server.closeIdleConnections();
    });
    requestLog.flush();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch(fail);
