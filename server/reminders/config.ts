import { ConfigError } from '../config.ts';

export interface ReminderConfig {
  /** smtp(s)://user:password@host:port; without one, no e-mails are sent. */
  smtpUrl: string | undefined;
  /** The From address of reminder e-mails; required with SMTP_URL. */
  smtpFrom: string | undefined;
  webhookUrls: string[];
  /** Key of the HMAC-SHA256 signature on every webhook body; required with WEBHOOK_URLS. */
  webhookSecret: string | undefined;
  /** Days before a label's end at which a reminder goes out, largest first. */
  windows: number[];
  /** How often each instance looks for due reminders and sends queued ones, in seconds. */
  intervalSeconds: number;
}

type Env = Record<string, string | undefined>;

/** Reads the reminder settings once, from the environment; throws ConfigError with the variable's name. */
export function readReminderConfig(env: Env = process.env): ReminderConfig {
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) throw new ConfigError('SMTP_URL must look like smtp://user:password@mail.example.org:587 (or smtps:// for port 465).');
  const smtpFrom = env.SMTP_FROM?.trim() || undefined;
  if (smtpUrl && !smtpFrom) throw new ConfigError('SMTP_FROM is required with SMTP_URL: the address reminders are sent from, such as "Label office <labels@example.org>".');

  const webhookUrls = (env.WEBHOOK_URLS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const url of webhookUrls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`WEBHOOK_URLS contains "${url}", which is not a URL.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`WEBHOOK_URLS must list http(s) URLs; "${url}" is not one.`);
  }
  const webhookSecret = env.WEBHOOK_SECRET?.trim() || undefined;
  if (webhookUrls.length > 0 && (!webhookSecret || webhookSecret.length < 16)) {
    throw new ConfigError('WEBHOOK_SECRET of at least 16 characters is required with WEBHOOK_URLS (openssl rand -base64 32).');
  }

  const rawWindows = env.REMINDER_WINDOWS?.trim() || '90,30,7';
  const windows = rawWindows.split(/[\s,]+/).filter(Boolean).map(Number);
  if (windows.length === 0 || windows.some((w) => !Number.isInteger(w) || w < 1 || w > 365)) {
    throw new ConfigError(`REMINDER_WINDOWS must list whole numbers of days from 1 to 365, such as 90,30,7; it is "${rawWindows}".`);
  }
  const rawInterval = env.REMINDER_INTERVAL?.trim() || '300';
  const intervalSeconds = Number(rawInterval);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 5 || intervalSeconds > 86_400) {
    throw new ConfigError(`REMINDER_INTERVAL must be a whole number of seconds from 5 to 86400; it is "${rawInterval}".`);
  }
  return { smtpUrl, smtpFrom, webhookUrls, webhookSecret, windows: [...new Set(windows)].sort((a, b) => b - a), intervalSeconds };
}

/** What the worker sends, in words the console shows. */
export function reminderChannels(config: ReminderConfig): string[] {
  return [...(config.smtpUrl ? [`e-mail via ${new URL(config.smtpUrl).host}`] : []), ...config.webhookUrls.map((url) => `webhook ${new URL(url).origin}`)];
}
