import type { Cluster } from '../../domain/types.ts';
import { iframeSnippet } from '../embed.ts';
import { messagesOf } from './i18n.ts';
import { Layout, type PageContext } from './layout.tsx';

/**
 * The snippet of the contract, for this issuer and cluster, in a `<div>`: a block of its own
 * sits in a theme's content column (WordPress block themes size only the column's child
 * elements), where bare inline content would start at the page's edge.
 */
export function embedSnippet(publicUrl: string, id: string): string {
  return (
    `<div><script type="module" src="${publicUrl}/widget.js"></script>\n` +
    `<cluster-label cluster="${id}"><a href="${publicUrl}/clusters/${id}">Cluster Management Excellence Label — verify</a></cluster-label></div>`
  );
}

/** The badge image in the page's language, linked to the verification page: a PNG, which mail clients show where they block SVG. */
export function imageSnippet(publicUrl: string, id: string, programmeName: string, lang: string): string {
  return `<a href="${publicUrl}/clusters/${id}"><img src="${publicUrl}/v1/clusters/${id}/badge.png?lang=${lang}" alt="${programmeName} — verify" height="28"></a>`;
}

/**
 * `GET /clusters/{id}/website`: the webmaster's material, apart from the visitor's page — the
 * snippets (script, iframe, image), the image as it looks now, and why a badge may say "not
 * this site", with the cluster's registered origins.
 */
export function WebsitePage(props: { page: PageContext; cluster: Cluster; badgeTitle: string }) {
  const { page, cluster } = props;
  const { lang } = page;
  const t = messagesOf(lang);
  return (
    <Layout page={page} title={t.embedTitle}>
      <p>
        <a href={`/clusters/${cluster.id}`}>← {cluster.name}</a>
      </p>
      <h1>{t.embedTitle}</h1>
      <section class="embed">
        <p>{t.embedIntro}</p>
        <pre>
          <code>{embedSnippet(page.publicUrl, cluster.id)}</code>
        </pre>
        <p>{t.embedFrame}</p>
        <pre>
          <code>{iframeSnippet(page.publicUrl, cluster.id, page.programmeName)}</code>
        </pre>
        <p>{t.embedImage}</p>
        <pre>
          <code>{imageSnippet(page.publicUrl, cluster.id, page.programmeName, lang)}</code>
        </pre>
        <p>
          {t.embedPreview} <img src={`/v1/clusters/${cluster.id}/badge.svg?lang=${lang}`} alt={props.badgeTitle} height="28" />
        </p>

        <h2>{t.helpTitle}</h2>
        <p>{t.helpOrigin}</p>
        <p>{t.helpExamples}</p>
        <p>{t.helpRegistered}</p>
        {cluster.sites.length === 0 ? (
          <p>{t.noWebsites}</p>
        ) : (
          <ul>
            {cluster.sites.map((site) => (
              <li>
                <code>{site}</code>
              </li>
            ))}
          </ul>
        )}
        <p>{t.helpFix}</p>
      </section>
    </Layout>
  );
}
