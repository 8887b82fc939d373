import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type english from './en.json';
import { fill } from './fill.ts';

export { fill };

/**
 * The one message catalogue: one JSON file per language in this folder, read by the server
 * (pages, badge images, e-mails) and by the widget's build (the badge and its dialog). A
 * language is added by adding its file; nothing else names the languages.
 *
 * Every text is a plain string; `{name}` marks where a value goes ({@link fill}), and a
 * count's text is an object of plural forms (`one`, `few`, `many`, `other`, as
 * `Intl.PluralRules` names them; {@link plural}).
 */
export type Catalogue = typeof english;

/** What every language has. The e-mails are written in German and English only (`mail`). */
export type Messages = Omit<Catalogue, 'mail'> & { readonly mail?: Catalogue['mail'] };

/** The languages in the bundle: the rest are fetched, one file per language, when a page asks. */
export const BUNDLED = ['en', 'de'] as const;

const folder = new URL('./', import.meta.url);

/** The language codes that have a file here, sorted: `bg`, `cs`, …, `sv`. */
export function catalogueLanguages(dir: URL = folder): string[] {
  return readdirSync(fileURLToPath(dir))
    .filter((name) => /^[a-z]{2,3}\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

type Tree = { readonly [key: string]: string | Tree };

/**
 * `fallback` with every text that `own` has put in its place: a key a language lacks reads
 * as English rather than breaking a page (the catalogue test makes sure none is lacking).
 */
function over(fallback: Tree, own: Tree): Tree {
  const out: Record<string, string | Tree> = { ...own };
  for (const [key, value] of Object.entries(fallback)) {
    const mine = own[key];
    if (typeof value === 'string') out[key] = typeof mine === 'string' ? mine : value;
    else out[key] = mine && typeof mine === 'object' ? over(value, mine) : value;
  }
  return out;
}

/** Reads one language's file as it is, without English filled in (for the catalogue's own tests). */
export function readLanguage(lang: string, dir: URL = folder): Tree {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`${lang}.json`, dir)), 'utf8')) as Tree;
}

/** Every language of the catalogue, each completed from English. */
export function readCatalogue(dir: URL = folder): ReadonlyMap<string, Messages> {
  const english = readLanguage('en', dir);
  return new Map(catalogueLanguages(dir).map((lang) => [lang, over(english, readLanguage(lang, dir)) as unknown as Messages]));
}

/** What the widget needs of one language: the file the issuer serves for a language not in the bundle. */
export const widgetMessages = (messages: Messages) => ({ intl: messages.intl, levels: messages.levels, ...messages.widget });

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * The form of a counted text that the language uses for `count` (Polish has four, Irish five),
 * with `{n}` filled by the number as that language writes it.
 *
 * @example plural('pl', { one: '{n} klaster', few: '{n} klastry', many: '{n} klastrów', other: '{n} klastra' }, 5) // '5 klastrów'
 */
export function plural(intl: string, forms: Readonly<Record<string, string>>, count: number, shown: string = String(count)): string {
  let rules = pluralRules.get(intl);
  if (!rules) pluralRules.set(intl, (rules = new Intl.PluralRules(intl)));
  return fill(forms[rules.select(count)] ?? forms.other ?? '', { n: shown });
}
