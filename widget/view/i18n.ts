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
  results: { passed: 'bestanden', failed: 'nicht bestanden', skipped: 'nicht geprüft' },
  confirm: (host) => `Auf ${host} bestätigen`,
  close: 'Schließen',
};

export interface Locale {
  /** The language tag used for dates (the page's own, such as `de-AT`, when it names de or en). */
  readonly tag: string;
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
  const t = primary === 'de' ? de : en;
  let supported = false;
  try {
    supported = primary === 'de' || primary === 'en' ? Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0 : false;
  } catch {
    // An ill-formed tag such as `de-` falls back to the plain language below.
  }
  return { tag: supported ? tag : t === de ? 'de' : 'en', t };
}

/** A contract date (`YYYY-MM-DD`, a UTC calendar day) written for the locale. */
export function formatDate(locale: Locale, isoDate: string, style: 'medium' | 'long'): string {
  return new Intl.DateTimeFormat(locale.tag, { dateStyle: style, timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** A moment in the visitor's own time zone. */
export function formatTime(locale: Locale, ms: number): string {
  return new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'medium' }).format(ms);
}
