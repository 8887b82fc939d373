import { intl as deIntl, levels as deLevels, widget as deWidget } from '../../locales/de.json';
import { intl as enIntl, levels as enLevels, widget as enWidget } from '../../locales/en.json';
import type { Level } from '../verify/claims.ts';

/**
 * The words of one language, as the message catalogue (`locales/<lang>.json`) holds them for
 * the widget: plain strings, `{name}` where a value goes ({@link fill}).
 */
export type Strings = typeof enWidget & { readonly intl: string; readonly levels: Readonly<Record<Level, string>> };

export type Step = keyof Strings['steps'];
export type Result = keyof Strings['results'];

export { fill } from '../../locales/fill.ts';

/** English and German travel in the bundle; every other language is one request to the issuer. */
export const BUNDLED: Readonly<Record<'en' | 'de', Strings>> = {
  en: { intl: enIntl, levels: enLevels, ...enWidget },
  de: { intl: deIntl, levels: deLevels, ...deWidget },
};

/** The label's full names are the programme's own and stay in English in every language. */
export const FULL_NAMES: Readonly<Record<Level, string>> = {
  bronze: 'Cluster Management Excellence Label BRONZE – Striving for Cluster Excellence',
  silver: 'Cluster Management Excellence Label SILVER – Dedicated to Cluster Excellence',
  gold: 'Cluster Management Excellence Label GOLD – Proven for Cluster Excellence',
};

export interface Locale {
  /** The language of the words, the dates and the numbers; the badge's `lang`. */
  readonly language: string;
  readonly t: Strings;
}

/** The catalogue's languages, space-separated, fixed when the bundle was built. */
declare const __CLUSTER_LABEL_LANGUAGES__: string;

/**
 * The language for a tag (the element's `lang`, else the nearest one in the page): its first
 * subtag when the issuer has that language (`pt-BR` → `pt`), else English.
 *
 * @example languageOf('de-CH') // 'de'
 */
export function languageOf(tag: string | null | undefined): string {
  const primary = (tag ?? '').trim().split('-')[0]!.toLowerCase();
  return __CLUSTER_LABEL_LANGUAGES__.split(' ').includes(primary) ? primary : 'en';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per language and kind for the page's life: each costs a lookup of locale data.
 * The catalogue chooses each language's date (`widget.date`, options for `Intl`): a short month
 * where it fits the badge, digits where the words would not.
 */
function format(locale: Locale, time: boolean): Intl.DateTimeFormat {
  const key = locale.t.intl + time;
  let made = formats.get(key);
  if (!made) {
    const date = locale.t.date as Intl.DateTimeFormatOptions;
    made = new Intl.DateTimeFormat(locale.t.intl, time ? { ...date, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { ...date, timeZone: 'UTC' });
    formats.set(key, made);
  }
  return made;
}

/**
 * A contract date (`YYYY-MM-DD`) as the badge and its dialog write it, the language's way
 * (`31 Mar 2026`, `31.03.2026`, `31 mar 2026`), day first in English too.
 *
 * @example shortDate({ language: 'en', t: BUNDLED.en }, '2026-03-31') // '31 Mar 2026'
 */
export const shortDate = (locale: Locale, isoDate: string): string => format(locale, false).format(new Date(`${isoDate}T00:00Z`));

/** A moment in the visitor's own time zone, with a 24-hour clock: `31 Mar 2026, 14:05` / `31.03.2026, 14:05`. */
export const shortTime = (locale: Locale, ms: number): string => format(locale, true).format(ms);
