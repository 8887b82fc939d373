import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { catalogueOf, fill, LANGUAGES, messagesOf, type Lang } from './i18n.ts';

/** What every page needs to know about the visitor and the issuer. */
export interface PageContext {
  lang: Lang;
  programmeName: string;
  issuerName: string;
  publicUrl: string;
  /** The current address with `lang` set to each language: the switch's links. */
  switchTo: Record<Lang, string>;
  /** The stylesheet, inlined; the CSP names its hash. */
  css: string;
}

/** The frame of every public page: landmarks, the language switch, no script. */
export function Layout(props: { page: PageContext; title: string; children?: Child }) {
  const { page } = props;
  const t = messagesOf(page.lang);
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={page.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} — ${page.programmeName}`}</title>
          <style>{raw(page.css)}</style>
        </head>
        <body>
          <a class="skip" href="#content">
            {t.skip}
          </a>
          <header class="site">
            <a class="brand" href="/clusters">
              {page.programmeName} · {t.register}
            </a>
            <nav class="langs" aria-label={t.languageNav}>
              <ul>
                {LANGUAGES.map((lang) => (
                  <li>
                    <a href={page.switchTo[lang]} lang={lang} hreflang={lang} aria-current={lang === page.lang ? 'true' : undefined}>
                      {catalogueOf(lang).name}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </header>
          <main id="content">{props.children}</main>
          <footer class="foot">
            <p>{fill(t.footerIssuer, { issuer: page.issuerName })}</p>
            <p class="data">
              {t.openData} <a href="/v1/clusters">JSON</a> · <a href="/v1/clusters.csv">CSV</a>
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** A status in words with a sign beside it, so it never rests on colour. */
export function Status(props: { status: string; text: string }) {
  return <span class={`status status-${props.status}`}>{props.text}</span>;
}
