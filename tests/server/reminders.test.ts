import { createHmac } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { eceiScheme } from '../../server/domain/schemes.ts';
import { silentLogger } from '../../server/log.ts';
import { readReminderConfig, type ReminderConfig } from '../../server/reminders/config.ts';
import { dueReminder } from '../../server/reminders/plan.ts';
import { ReminderWorker } from '../../server/reminders/worker.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, signIn } from './console-client.ts';

/** A tiny SMTP receiver: enough of RFC 5321 for one client, and a switch to refuse messages. */
function smtpReceiver() {
  const messages: string[] = [];
  const state = { refuse: 0 };
  const server: NetServer = createNetServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 receiver.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          if (state.refuse > 0) {
            state.refuse--;
            socket.write('451 4.3.0 try again later\r\n');
          } else {
            messages.push(message);
            socket.write('250 2.0.0 queued\r\n');
          }
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-receiver.test\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return { server, messages, state };
}

/** A webhook receiver that answers with the statuses queued in `answers` (then 204). */
function webhookReceiver() {
  const requests: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const answers: number[] = [];
  const server: HttpServer = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 204;
      res.end();
    });
  });
  return { server, requests, answers };
}

const listen = (server: NetServer | HttpServer) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: NetServer | HttpServer) => new Promise<void>((resolve) => server.close(() => resolve()));

const SECRET = 'test-webhook-secret-0123456789';

describe('reminder configuration', () => {
  it('has defaults and checks every variable', () => {
    expect(readReminderConfig({})).toEqual({ smtpUrl: undefined, smtpFrom: undefined, webhookUrls: [], webhookSecret: undefined, windows: [90, 30, 7], intervalSeconds: 300 });
    expect(readReminderConfig({ REMINDER_WINDOWS: '7, 60,30,7', WEBHOOK_URLS: 'https://a.example/h, http://b.example/h', WEBHOOK_SECRET: SECRET })).toMatchObject({ windows: [60, 30, 7], webhookUrls: ['https://a.example/h', 'http://b.example/h'] });
    expect(() => readReminderConfig({ SMTP_URL: 'smtp://mail.example' })).toThrow(/SMTP_FROM/);
    expect(() => readReminderConfig({ SMTP_URL: 'mail.example', SMTP_FROM: 'a@b.example' })).toThrow(/SMTP_URL/);
    expect(() => readReminderConfig({ WEBHOOK_URLS: 'https://a.example' })).toThrow(/WEBHOOK_SECRET/);
    expect(() => readReminderConfig({ WEBHOOK_URLS: 'ftp://a.example', WEBHOOK_SECRET: SECRET })).toThrow(/http/);
    expect(() => readReminderConfig({ REMINDER_WINDOWS: '30,0' })).toThrow(/REMINDER_WINDOWS/);
  });
});

describe('which reminder is due', () => {
  const ecei = eceiScheme(readConfig({}));
  const label = { id: 1, clusterId: 'c', level: 'silver' as const, validUntil: '2026-09-30' };
  const windows = [90, 30, 7];
  it('picks the tightest window that has begun, then expiry, then the end of the grace year', () => {
    expect(dueReminder(ecei, label, '2026-07-01', windows)).toBeUndefined(); // 91 days left
    expect(dueReminder(ecei, label, '2026-07-02', windows)).toMatchObject({ event: 'expiring', windowDays: 90 });
    expect(dueReminder(ecei, label, '2026-09-10', windows)).toMatchObject({ event: 'expiring', windowDays: 30 });
    expect(dueReminder(ecei, label, '2026-09-30', windows)).toMatchObject({ event: 'expiring', windowDays: 7 });
    expect(dueReminder(ecei, label, '2026-10-01', windows)).toMatchObject({ event: 'expired' });
    expect(dueReminder(ecei, label, '2026-11-15', windows)).toBeUndefined(); // past the catch-up of 30 days
    expect(dueReminder(ecei, label, '2027-10-01', windows)).toMatchObject({ event: 'grace_ended' });
    expect(dueReminder(ecei, label, '2028-01-01', windows)).toBeUndefined();
  });

  it('ends the grace period the scheme sets', () => {
    const noGrace = { ...ecei, rules: { ...ecei.rules, graceMonths: 0 } };
    expect(dueReminder(noGrace, label, '2026-10-01', windows)).toMatchObject({ event: 'grace_ended' });
    expect(dueReminder(ecei, label, '2026-10-01', windows)).toMatchObject({ event: 'expired' });
  });
});

describeEachDialect('reminders', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  const smtp = smtpReceiver();
  const hooks = webhookReceiver();
  let config: ReminderConfig;

  beforeAll(async () => {
    const [smtpPort, hookPort] = await Promise.all([listen(smtp.server), listen(hooks.server)]);
    config = readReminderConfig({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SMTP_FROM: 'Label office <labels@issuer.test>', WEBHOOK_URLS: `http://127.0.0.1:${hookPort}/hook`, WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await Promise.all([close(smtp.server), close(hooks.server)]);
  });

  beforeEach(async () => {
    clock = testClock('2026-06-15T06:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    smtp.messages.length = 0;
    smtp.state.refuse = 0;
    hooks.requests.length = 0;
    hooks.answers.length = 0;
  });
  afterEach(() => server?.cleanup());

  const worker = (options: { shareWith?: TestServer } = {}) =>
    new ReminderWorker({
      database: (options.shareWith ?? server).database,
      config,
      scheme: server.registry.scheme,
      programmeName: 'Cluster Management Excellence Label',
      issuer: 'https://issuer.test',
      now: clock.now,
      logger: silentLogger,
      backoff: { baseSeconds: 60, maxSeconds: 600, maxAttempts: 3 },
    });

  it('sends each reminder once per window: e-mail to the contact, signed webhook', async () => {
    await createTestCluster(server, 'nordlicht', { name: 'Nordlicht Photonics' });
    await server.registry.award('nordlicht', { level: 'silver', awarded: '2024-09-10', validUntil: '2026-09-10' }, 'test');
    const w = worker();

    expect(await w.tick()).toEqual({ queued: 2, sent: 2, failed: 0 }); // 87 days left: the 90-day window
    expect(await w.tick()).toEqual({ queued: 0, sent: 0, failed: 0 });
    clock.advance(86_400);
    expect(await w.tick()).toEqual({ queued: 0, sent: 0, failed: 0 });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail).toMatch(/^To: office@nordlicht\.example$/m);
    // The cluster is in Germany: the German text, with the date written the German way (subject MIME-encoded).
    expect(mail).toContain('10.09.2026');
    expect(mail).toContain('https://issuer.test/clusters/nordlicht');

    expect(hooks.requests).toHaveLength(1);
    const { headers, body } = hooks.requests[0]!;
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ type: 'label.expiring', windowDays: 90, cluster: { id: 'nordlicht', name: 'Nordlicht Photonics' }, label: { level: 'silver', validUntil: '2026-09-10', renewableUntil: '2027-09-10' } });
    expect(headers['x-cluster-label-delivery']).toBe(payload.id);
    expect(headers['x-cluster-label-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);

    clock.set('2026-08-20T06:00:00Z'); // 21 days left
    expect(await w.tick()).toMatchObject({ queued: 2, sent: 2 });
    clock.set('2026-09-04T06:00:00Z'); // 6 days left
    expect(await w.tick()).toMatchObject({ queued: 2, sent: 2 });
    clock.set('2026-09-11T06:00:00Z'); // expired yesterday
    expect(await w.tick()).toMatchObject({ queued: 2, sent: 2 });
    clock.set('2027-09-11T06:00:00Z'); // the grace year is over
    expect(await w.tick()).toMatchObject({ queued: 2, sent: 2 });
    expect(await w.tick()).toMatchObject({ queued: 0, sent: 0 });
    expect(hooks.requests.map((r) => [JSON.parse(r.body).type, JSON.parse(r.body).windowDays])).toEqual([
      ['label.expiring', 90],
      ['label.expiring', 30],
      ['label.expiring', 7],
      ['label.expired', undefined],
      ['label.grace_ended', undefined],
    ]);
    expect(smtp.messages).toHaveLength(5);
  });

  it('starts a new round after a renewal', async () => {
    await createTestCluster(server, 'renewed');
    await server.registry.award('renewed', { level: 'bronze', awarded: '2024-07-01', validUntil: '2026-07-31' }, 'test');
    const w = worker();
    expect(await w.tick()).toMatchObject({ sent: 2 });
    await server.registry.renew('renewed', { validUntil: '2026-08-31' }, 'test');
    expect(await w.tick()).toMatchObject({ sent: 2 });
    expect(hooks.requests.map((r) => JSON.parse(r.body).label.validUntil)).toEqual(['2026-07-31', '2026-08-31']);
  });

  it('retries a failed delivery with growing pauses and the same delivery id, then gives up', async () => {
    await createTestCluster(server, 'flaky');
    await server.registry.award('flaky', { level: 'gold', awarded: '2024-07-01', validUntil: '2026-07-31' }, 'test');
    hooks.answers.push(500, 503);
    smtp.state.refuse = 1;
    const w = worker();
    expect(await w.tick()).toMatchObject({ queued: 2, sent: 0, failed: 2 });
    clock.advance(59);
    expect(await w.tick()).toMatchObject({ sent: 0, failed: 0 }); // not before the pause (60 s) is over
    clock.advance(1);
    expect(await w.tick()).toMatchObject({ sent: 1, failed: 1 }); // the e-mail goes through; the webhook fails again
    clock.advance(119);
    expect(await w.tick()).toMatchObject({ sent: 0, failed: 0 }); // the second pause is twice as long
    clock.advance(1);
    expect(await w.tick()).toMatchObject({ sent: 1 });
    const ids = new Set(hooks.requests.map((r) => r.headers['x-cluster-label-delivery']));
    expect(hooks.requests).toHaveLength(3);
    expect(ids.size).toBe(1);
    expect(smtp.messages).toHaveLength(1);

    const [hook] = (await w.outbox.list()).filter((d) => d.channel === 'webhook');
    expect(hook).toMatchObject({ status: 'sent', attempts: 3 });

    await createTestCluster(server, 'dead');
    await server.registry.award('dead', { level: 'gold', awarded: '2024-07-01', validUntil: '2026-07-31' }, 'test');
    hooks.answers.push(500, 500, 500);
    for (let i = 0; i < 3; i++) {
      await w.tick();
      clock.advance(600);
    }
    const dead = (await w.outbox.list({ clusterId: 'dead' })).find((d) => d.channel === 'webhook');
    expect(dead).toMatchObject({ status: 'failed', attempts: 3, lastError: 'The webhook answered 500.' });
    expect(await w.tick()).toMatchObject({ sent: 0, failed: 0 });
  });

  it('never sends a message twice when two workers on one registry run at once', async () => {
    const second = await startTestServer(dialect, { now: clock.now, shareWith: server });
    try {
      for (let i = 0; i < 12; i++) {
        await createTestCluster(server, `busy-${i}`);
        await server.registry.award(`busy-${i}`, { level: 'bronze', awarded: '2024-07-01', validUntil: '2026-07-31' }, 'test');
      }
      const a = worker();
      const b = worker({ shareWith: second });
      const results = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      expect(results.reduce((n, r) => n + r.queued, 0)).toBe(24);
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(24);
      const deliveries = hooks.requests.map((r) => r.headers['x-cluster-label-delivery']);
      expect(deliveries).toHaveLength(12);
      expect(new Set(deliveries).size).toBe(12);
      expect(smtp.messages).toHaveLength(12);
    } finally {
      await second.cleanup();
    }
  });

  it('shows delivery status in the console', async () => {
    await createTestCluster(server, 'shown');
    await server.registry.award('shown', { level: 'bronze', awarded: '2024-07-01', validUntil: '2026-07-31' }, 'test');
    hooks.answers.push(500);
    await worker().tick();
    await createUser(server, 'viewer@office.test', 'viewer');
    const viewer = await signIn(server, 'viewer@office.test');
    const page = await (await viewer.get('/admin/reminders')).text();
    expect(page).toContain('Pending 1 · sent 1 · failed 0');
    expect(page).toContain('The webhook answered 500.');
    const detail = await (await viewer.get('/admin/clusters/shown')).text();
    expect(detail).toMatch(/expiring[\s\S]*e-mail to the contact[\s\S]*sent/);
  });
});
