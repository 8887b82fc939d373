import { createHmac, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { utcDate } from '../domain/dates.ts';
import { ECEI, graceEnds, type Scheme } from '../domain/schemes.ts';
import { isLevel } from '../domain/types.ts';
import type { Logger } from '../log.ts';
import type { Database } from '../registry/database.ts';
import { messageOf } from '../errors.ts';
import type { ReminderConfig } from './config.ts';
import { languageFor, reminderEmail, type ReminderPayload } from './messages.ts';
import { Outbox, type Delivery, type NewDelivery } from './outbox.ts';
import { dedupeKey, dueReminder } from './plan.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends one e-mail or throws. */
export type Mailer = (mail: Mail) => Promise<void>;

/** A mailer over SMTP (nodemailer: STARTTLS when offered, AUTH from the URL, MIME and line-length rules). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return async (mail) => {
    await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
  };
}

export interface Backoff {
  /** Pause after the first failure, doubled after each further one. */
  baseSeconds: number;
  maxSeconds: number;
  /** Attempts before a message is marked failed for good. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseSeconds: 60, maxSeconds: 6 * 3600, maxAttempts: 10 };

/** The pause before attempt `attempts + 1`: base · 2^(attempts − 1), capped. */
export const retryDelaySeconds = (attempts: number, backoff: Backoff) => Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.max(0, attempts - 1));

/** The `X-Cluster-Label-Signature` value: HMAC-SHA256 of the exact body bytes, hex. */
export const signBody = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface WorkerOptions {
  database: Database;
  config: ReminderConfig;
  /** Whose grace period says until when an expired label can be renewed. */
  scheme: Scheme;
  programmeName: string;
  issuer: string;
  now: () => Date;
  mailer?: Mailer | undefined;
  logger: Logger;
  backoff?: Backoff;
  /** Seconds a claimed message stays with this worker before another may retry it. */
  leaseSeconds?: number;
  /** Per webhook request. */
  timeoutMs?: number;
}

const BATCH = 20;

/**
 * Finds due reminders, queues them once, and delivers what is queued. Every
 * instance runs one; the outbox decides who sends what. Call `tick()` on a timer.
 */
export class ReminderWorker {
  readonly id = `worker-${randomBytes(6).toString('hex')}`;
  readonly outbox: Outbox;
  readonly #options: WorkerOptions;
  readonly #backoff: Backoff;
  readonly #mailer: Mailer | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.outbox = new Outbox(options.database, options.now);
    const { smtpUrl, smtpFrom } = options.config;
    this.#mailer = options.mailer ?? (smtpUrl && smtpFrom ? smtpMailer(smtpUrl, smtpFrom) : undefined);
  }

  /** One round: queue what became due, then send until nothing due is left. Returns how many were sent. */
  async tick(): Promise<{ queued: number; sent: number; failed: number }> {
    const queued = await this.enqueueDue();
    let sent = 0;
    let failed = 0;
    for (;;) {
      const batch = await this.outbox.claim(this.id, BATCH, this.#options.leaseSeconds ?? 300);
      if (batch.length === 0) break;
      for (const delivery of batch) {
        if (await this.#deliver(delivery)) sent++;
        else failed++;
      }
    }
    return { queued, sent, failed };
  }

  /** Queues the reminder each label in play is due today, on every configured channel. */
  async enqueueDue(): Promise<number> {
    const { config } = this.#options;
    if (!this.#mailer && config.webhookUrls.length === 0) return 0;
    const now = this.#options.now();
    const today = utcDate(now);
    const rows = await this.#options.database.db
      .selectFrom('labels')
      .innerJoin('clusters', 'clusters.id', 'labels.cluster_id')
      .select(['labels.id', 'labels.cluster_id', 'labels.level', 'labels.valid_until', 'clusters.name', 'clusters.contact_id'])
      .where('labels.status', 'in', ['valid', 'expired'])
      .where('labels.scheme', '=', ECEI)
      .execute();
    const items: NewDelivery[] = [];
    for (const row of rows) {
      // Reminders speak of the ECEI label alone, in its words; other schemes' labels are not reminded of.
      if (!isLevel(row.level)) continue;
      const due = dueReminder(this.#options.scheme, { id: Number(row.id), clusterId: row.cluster_id, level: row.level, validUntil: row.valid_until }, today, config.windows);
      if (!due) continue;
      const payload = (id: string) => {
        const body: ReminderPayload = {
          id,
          type: `label.${due.event}`,
          createdAt: now.toISOString(),
          cluster: { id: row.cluster_id, name: row.name },
          label: { level: due.level, validUntil: due.validUntil, renewableUntil: graceEnds(this.#options.scheme, due) },
          ...(due.windowDays !== undefined ? { windowDays: due.windowDays } : {}),
        };
        return JSON.stringify(body);
      };
      const base = { clusterId: row.cluster_id, labelId: due.labelId, event: due.event, payload };
      if (this.#mailer && row.contact_id) items.push({ ...base, channel: 'email', target: 'contact', dedupeKey: dedupeKey(due, 'email', 'contact') });
      for (const url of config.webhookUrls) items.push({ ...base, channel: 'webhook', target: url, dedupeKey: dedupeKey(due, 'webhook', url) });
    }
    return this.outbox.enqueue(items);
  }

  async #deliver(delivery: Delivery): Promise<boolean> {
    try {
      if (delivery.channel === 'email') await this.#sendEmail(delivery);
      else await this.#postWebhook(delivery);
      await this.outbox.markSent(delivery.id);
      return true;
    } catch (error) {
      const message = messageOf(error) || String(error);
      const giveUp = delivery.attempts >= this.#backoff.maxAttempts;
      const retryAt = giveUp ? undefined : new Date(this.#options.now().getTime() + retryDelaySeconds(delivery.attempts, this.#backoff) * 1000);
      await this.outbox.markFailed(delivery.id, message, retryAt);
      this.#options.logger.warn('reminder_failed', { delivery: delivery.deliveryId, channel: delivery.channel, attempts: delivery.attempts, giveUp, message: message.slice(0, 200) });
      return false;
    }
  }

  async #sendEmail(delivery: Delivery): Promise<void> {
    const { db } = this.#options.database;
    // The address is read now, not when queued: an erased contact gets nothing.
    const row = await db
      .selectFrom('clusters')
      .leftJoin('contacts', 'contacts.id', 'clusters.contact_id')
      .select(['clusters.country', 'contacts.email'])
      .where('clusters.id', '=', delivery.clusterId)
      .executeTakeFirst();
    if (!row?.email) throw new Error('The cluster has no contact e-mail address.');
    const payload = JSON.parse(delivery.payload) as ReminderPayload;
    const { subject, text } = reminderEmail(payload, { language: languageFor(row.country), programmeName: this.#options.programmeName, issuer: this.#options.issuer });
    await this.#mailer!({ to: row.email, subject, text });
  }

  async #postWebhook(delivery: Delivery): Promise<void> {
    const response = await fetch(delivery.target, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'cluster-label-reminders',
        'X-Cluster-Label-Delivery': delivery.deliveryId,
        'X-Cluster-Label-Signature': signBody(this.#options.config.webhookSecret!, delivery.payload),
      },
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) throw new Error(`The webhook answered ${response.status}.`);
  }
}
