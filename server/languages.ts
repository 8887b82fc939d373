import { fill, plural, readCatalogue, type Messages } from '../locales/catalogue.ts';

export { fill, plural };

/** Every language of the catalogue (`locales/`), read once at start. */
const catalogue = readCatalogue();

/** The pages' languages: one for each file in `locales/`. */
export const LANGUAGES: readonly string[] = [...catalogue.keys()];
/** A language code of the catalogue (`en`, `de`, `pl`, …); {@link isLang} tells one apart. */
export type Lang = string;

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && catalogue.has(value);

const english = catalogue.get('en')!;

/** One language's whole catalogue entry; English for a code it does not have. */
export const catalogueOf = (lang: Lang): Messages => catalogue.get(lang) ?? english;

/**
 * The catalogue language of a tag, by its first subtag (`pt-BR` → `pt`, `de-AT` → `de`);
 * undefined for a language the catalogue does not have.
 */
export function languageOf(tag: string | null | undefined): Lang | undefined {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return isLang(primary) ? primary : undefined;
}

/** The locale `Intl` formats a language's dates and numbers in (`en-GB`: day first). */
export const intlLocale = (lang: Lang) => catalogueOf(lang).intl;

