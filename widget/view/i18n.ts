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
  checks: 'Technical details: what your browser checked',
  steps: {
    signature: 'Signature',
    issuer: 'Issuer',
    cluster: 'Cluster',
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
    valid: 'Ihr Browser hat dieses Label soeben beim Aussteller geprüft: Es ist gültig und gehört diesem Cluster.',
    expired: 'Dieses Label ist abgelaufen. Es gilt erst wieder, wenn der Cluster es erneuern lässt.',
    revoked: 'Der Aussteller hat dieses Label entzogen. Es gilt nicht mehr.',
    invalid: 'Dieses Siegel ließ sich nicht bestätigen. Verlassen Sie sich nicht darauf, sondern sehen Sie auf der Seite des Ausstellers nach.',
    mismatch: 'Dieses Siegel wurde für eine andere Website ausgestellt und gilt nicht für diese Seite.',
    unavailable: 'Ihr Browser hat den Aussteller nicht erreicht, deshalb konnte nichts geprüft werden. Über das Label sagt das nichts aus; die Seite des Ausstellers gibt Auskunft.',
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
  checks: 'Technische Details: was Ihr Browser geprüft hat',
  steps: {
    signature: 'Signatur',
    issuer: 'Aussteller',
    cluster: 'Cluster',
    validity: 'Gültigkeit',
    freshness: 'Aktualität',
    website: 'Website',
  },
  keyId: (kid) => `Schlüssel ${kid}`,
  tokenUntil: (t) => `Aussage gültig bis ${t}`,
  checkedAt: (t) => `geprüft am ${t}`,
  inLog: (n, m) => `im öffentlichen Protokoll verzeichnet, Eintrag ${n} von ${m}`,
  results: { passed: 'bestanden', failed: 'nicht bestanden', skipped: 'nicht geprüft' },
  confirm: (host) => `Auf ${host} bestätigen`,
  close: 'Schließen',
};

export interface Locale {
  /** `de` or `en`: the language of the words and of the badge's dates. */
  readonly language: 'de' | 'en';
  /** The writing direction of `language`, whatever the host page's. */
  readonly dir: 'ltr' | 'rtl';
  readonly t: Strings;
}

/**
 * Chooses German or English from a language tag (the element's `lang`, else the nearest
 * one in the page); anything else is English.
 *
 * @example resolveLocale('de-CH').t.close // 'Schließen'
 */
export function resolveLocale(lang: string | null | undefined): Locale {
  const primary = (lang ?? '').trim().split('-')[0]?.toLowerCase();
  const language = primary === 'de' ? 'de' : 'en';
  return { language, dir: 'ltr', t: language === 'de' ? de : en };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A contract date (`YYYY-MM-DD`) as the badge and its dialog write it, one format per
 * language: `31.03.2026` in German, `31 Mar 2026` in English, day first, which no reader of
 * either takes for another day. Written without `Intl`: its first use on a page costs tens of
 * milliseconds in Chromium, and its regional formats would differ from the badge's.
 *
 * @example shortDate(resolveLocale('en-US'), '2026-03-31') // '31 Mar 2026'
 */
export function shortDate(locale: Locale, isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return locale.language === 'de' ? `${day}.${month}.${year}` : `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

/**
 * A moment in the visitor's own time zone, in the badge's date format and a 24-hour clock:
 * `31 Mar 2026, 14:05` / `31.03.2026, 14:05`.
 */
export function shortTime(locale: Locale, ms: number): string {
  const moment = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())}`;
  return `${shortDate(locale, day)}, ${two(moment.getHours())}:${two(moment.getMinutes())}`;
}
