import type { IsoDate, Level } from '../../domain/types.ts';
import { catalogueOf, fill, intlLocale, isLang, LANGUAGES, languageOf, plural, type Lang } from '../../languages.ts';

export { catalogueOf, fill, intlLocale, isLang, LANGUAGES, languageOf, plural, type Lang };

/** The pages' words in one language, with the level names shared by badge and e-mail. */
export const messagesOf = (lang: Lang) => {
  const entry = catalogueOf(lang);
  return { ...entry.pages, levels: entry.levels };
};

/**
 * The visitor's language: the `lang` cookie they chose with the switch, else the
 * first of ours in `Accept-Language` by weight, else English.
 */
export function chooseLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  const chosen = languageOf(cookie);
  if (chosen) return chosen;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: languageOf(tag), weight: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.lang !== undefined && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang ?? 'en';
}

// One formatter per language for the life of the process, made when first asked for: an Intl
// object is costly to make (its locale data is built afresh), and the register page needs dozens.
const perLang = <T>(make: (locale: string) => T) => {
  const made = new Map<Lang, T>();
  return (lang: Lang): T => {
    let value = made.get(lang);
    if (value === undefined) made.set(lang, (value = make(intlLocale(lang))));
    return value;
  };
};
const dateFormat = perLang((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
const numberFormat = perLang((locale) => new Intl.NumberFormat(locale));
const regionNames = perLang((locale) => new Intl.DisplayNames([locale], { type: 'region' }));

/** A calendar date as people of that language write it ("31 March 2027", "31. März 2027", "31 marca 2027"). */
export const formatDate = (date: IsoDate, lang: Lang) => dateFormat(lang).format(new Date(`${date.slice(0, 10)}T00:00:00Z`));

export const formatNumber = (value: number, lang: Lang) => numberFormat(lang).format(value);

/** The country's name in that language; the code itself when the runtime does not know it. */
export function countryName(code: string, lang: Lang): string {
  try {
    return regionNames(lang).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The official names of the levels, which stay English in every language. */
export const LEVEL_MOTTOS: Record<Level, string> = {
  bronze: 'Striving for Cluster Excellence',
  silver: 'Dedicated to Cluster Excellence',
  gold: 'Proven for Cluster Excellence',
};

export const fullLabelName = (programmeName: string, level: Level) => `${programmeName} ${level.toUpperCase()} – ${LEVEL_MOTTOS[level]}`;
