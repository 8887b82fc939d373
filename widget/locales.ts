import { fetchIssuer, type Fetch } from './fetch-issuer.ts';
import { BUNDLED, type Locale, type Strings } from './view/i18n.ts';

/** The widget's version, fixed when the bundle was built: its language files live beside it. */
declare const __CLUSTER_LABEL_VERSION__: string;

/** A language's locale: at once when the bundle holds it, else when its file has come. */
export type LocaleLoader = (language: string) => Locale | Promise<Locale>;

/**
 * The badges' languages. English and German are in the bundle; any other language is one
 * request per page to the issuer's `/widget/{version}/locales/{language}.json`, which is
 * immutable, so the browser's cache answers it on the next page. The request goes out as the
 * badge's check starts, beside the token. A language whose file cannot be had reads as
 * English: the words change, never the verdict.
 */
export function localeLoader(issuer: string, fetch: Fetch, timeout: number): LocaleLoader {
  const known = new Map<string, Locale | Promise<Locale>>(Object.entries(BUNDLED).map(([language, t]) => [language, { language, t }]));
  return (language) => {
    let locale = known.get(language);
    if (!locale) {
      const english: Locale = { language: 'en', t: BUNDLED.en };
      locale = fetchIssuer(fetch, `${issuer}/widget/${__CLUSTER_LABEL_VERSION__}/locales/${language}.json`, timeout)
        .then(({ status, body }) => (status === 200 ? { language, t: { ...BUNDLED.en, ...(JSON.parse(body) as Strings) } } : english))
        .catch(() => english);
      known.set(language, locale);
      void locale.then((loaded) => known.set(language, loaded));
    }
    return locale;
  };
}
