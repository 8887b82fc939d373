import type { Level } from '../verify/claims.ts';
import type { LabelState } from '../verify/state.ts';

type Text = (value: string) => string;

export interface Strings {
  readonly programme: string;
  readonly levels: Readonly<Record<Level, string>>;
  /** The badge's short line for each state; `value` is a date or the issuer's host. */
  readonly mark: Readonly<Record<LabelState, Text>>;
  /** What a state means for the visitor, one plain sentence or two. */
  readonly meaning: Readonly<Record<LabelState, string>>;
  readonly checkAt: Text;
  readonly checkedWith: string;
  readonly cluster: string;
  readonly label: string;
  readonly awarded: string;
  readonly validUntil: string;
  readonly revokedAt: string;
  readonly reason: string;
  readonly checks: string;
  readonly steps: Readonly<Record<Step, string>>;
  readonly keyId: Text;
  readonly tokenUntil: Text;
  readonly checkedAt: Text;
  readonly inLog: (entry: number, of: number) => string;
  readonly results: Readonly<Record<Result, string>>;
  readonly confirm: Text;
  readonly close: string;
}

export type Step = 'signature' | 'issuer' | 'cluster' | 'validity' | 'freshness' | 'website';
export type Result = 'passed' | 'failed' | 'skipped';

/** The label's full names are the programme's own and stay in English in every language. */
export const FULL_NAMES: Readonly<Record<Level, string>> = {
  bronze: 'Cluster Management Excellence Label BRONZE – Striving for Cluster Excellence',
  silver: 'Cluster Management Excellence Label SILVER – Dedicated to Cluster Excellence',
  gold: 'Cluster Management Excellence Label GOLD – Proven for Cluster Excellence',
};

const en: Strings = {
  programme: 'Cluster Management Excellence',
  levels: { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' },
  mark: {
    loading: () => 'Checking…',
    valid: (d) => `Valid until ${d}`,
    expired: (d) => `Expired ${d}`,
    revoked: () => 'Revoked',
    invalid: () => 'Could not be verified',
    mismatch: () => 'Not this site',
    unavailable: () => 'Check could not run',
    unknown: () => 'No label found',
  },
  meaning: {
    loading: 'The check is still running.',
    valid: 'Your browser has just checked this label with the issuer: the cluster holds it.',
    expired: 'This label has expired. The cluster does not hold it unless it is renewed.',
    revoked: 'The issuer has revoked this label. The cluster no longer holds it.',
    invalid: 'The statement behind this badge failed the checks. Do not rely on it; look the cluster up on the issuer’s page.',
    mismatch: 'This badge was issued for another website. What it would show does not apply to this page.',
    unavailable: 'Your browser could not reach the issuer, so nothing was checked. This says nothing about the label; the issuer’s page can tell you.',
    unknown: 'The issuer has no label for this cluster.',
  },
  checkAt: (host) => `Check at ${host}`,
  checkedWith: 'Checked with the issuer',
  cluster: 'Cluster',
  label: 'Label',
  awarded: 'Awarded',
  validUntil: 'Valid until',
  revokedAt: 'Revoked on',
  reason: 'Reason',
  checks: 'What your browser checked',
  steps: {
    signature: 'Signature',
    issuer: 'Issuer',
    cluster: 'About this cluster',
    validity: 'Validity',
    freshness: 'Freshness',
    website: 'Website',
  },
  keyId: (kid) => `key ${kid}`,
  tokenUntil: (t) => `statement valid until ${t}`,
  checkedAt: (t) => `checked at ${t}`,
  inLog: (n, m) => `recorded in the public log, entry ${n} of ${m}`,
  results: { passed: 'passed', failed: 'failed', skipped: 'not checked' },
  confirm: (host) => `Confirm on ${host}`,
  close: 'Close',
};

const de: Strings = {
  programme: 'Cluster Management Excellence',
  levels: { bronze: 'Bronze', silver: 'Silber', gold: 'Gold' },
  mark: {
    loading: () => 'Wird geprüft …',
    valid: (d) => `Gültig bis ${d}`,
    expired: (d) => `Abgelaufen am ${d}`,
    revoked: () => 'Entzogen',
    invalid: () => 'Nicht verifizierbar',
    mismatch: () => 'Nicht diese Website',
    unavailable: () => 'Prüfung nicht möglich',
    unknown: () => 'Kein Label gefunden',
  },
  meaning: {
    loading: 'Die Prüfung läuft noch.',
    valid: 'Ihr Browser hat dieses Label soeben beim Aussteller geprüft: Der Cluster hält es.',
    expired: 'Dieses Label ist abgelaufen. Der Cluster hält es nicht, solange es nicht erneuert wird.',
    revoked: 'Der Aussteller hat dieses Label entzogen. Der Cluster hält es nicht mehr.',
    invalid: 'Die Aussage hinter diesem Abzeichen hat die Prüfung nicht bestanden. Verlassen Sie sich nicht darauf; sehen Sie auf der Seite des Ausstellers nach.',
    mismatch: 'Dieses Abzeichen wurde für eine andere Website ausgestellt. Was es zeigen würde, gilt nicht für diese Seite.',
    unavailable: 'Ihr Browser konnte den Aussteller nicht erreichen, daher wurde nichts geprüft. Über das Label sagt das nichts; die Seite des Ausstellers gibt Auskunft.',
    unknown: 'Der Aussteller führt für diesen Cluster kein Label.',
  },
  checkAt: (host) => `Prüfen bei ${host}`,
  checkedWith: 'Geprüft beim Aussteller',
  cluster: 'Cluster',
  label: 'Label',
  awarded: 'Verliehen am',
  validUntil: 'Gültig bis',
  revokedAt: 'Entzogen am',
  reason: 'Begründung',
  checks: 'Was Ihr Browser geprüft hat',
  steps: {
    signature: 'Signatur',
    issuer: 'Aussteller',
    cluster: 'Zu diesem Cluster',
    validity: 'Gültigkeit',
    freshness: 'Aktualität',
    website: 'Website',
  },
  keyId: (kid) => `Schlüssel ${kid}`,
  tokenUntil: (t) => `Aussage gültig bis ${t}`,
  checkedAt: (t) => `geprüft um ${t}`,
  inLog: (n, m) => `im öffentlichen Protokoll verzeichnet, Eintrag ${n} von ${m}`,
  results: { passed: 'bestanden', failed: 'nicht bestanden', skipped: 'nicht geprüft' },
  confirm: (host) => `Auf ${host} bestätigen`,
  close: 'Schließen',
};

export interface Locale {
  /** The page's language tag (such as `de-AT`) when it names de or en: the dialog's date format. */
  readonly tag: string;
  /** `de` or `en`: the language of the words and of the badge's dates. */
  readonly language: 'de' | 'en';
  readonly t: Strings;
}

/**
 * Chooses German or English from a language tag (the element's `lang`, else the nearest
 * one in the page); anything else is English.
 *
 * @example resolveLocale('de-CH').t.close // 'Schließen'
 */
export function resolveLocale(lang: string | null | undefined): Locale {
  const tag = (lang ?? '').trim();
  const primary = tag.split('-')[0]?.toLowerCase();
  const language = primary === 'de' ? 'de' : 'en';
  return { tag: primary === language ? tag : language, language, t: language === 'de' ? de : en };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A contract date (`YYYY-MM-DD`) as the badge writes it: `31.03.2026` in German, `31 Mar 2026`
 * in English, day first, which no reader of either takes for another day. Written without
 * `Intl`: its first use on a page costs tens of milliseconds in Chromium, which the badge's
 * first view must not wait for. The dialog, opened later, writes dates for the page's region.
 *
 * @example shortDate(resolveLocale('en-US'), '2026-03-31') // '31 Mar 2026'
 */
export function shortDate(locale: Locale, isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return locale.language === 'de' ? `${day}.${month}.${year}` : `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

/**
 * A date format for the locale: the page's own tag where the browser knows it, else the plain
 * language (an ill-formed tag such as `de-` makes `Intl` throw; an unknown region is passed over).
 */
function dateTimeFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat([locale.tag, locale.language], options);
  } catch {
    return new Intl.DateTimeFormat(locale.language, options);
  }
}

/** A contract date (`YYYY-MM-DD`, a UTC calendar day) written out in full for the page's region. */
export function longDate(locale: Locale, isoDate: string): string {
  return dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** A moment in the visitor's own time zone, for the page's region. */
export function formatTime(locale: Locale, ms: number): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(ms);
}
