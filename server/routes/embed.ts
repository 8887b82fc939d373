import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { EMBED_SIZES, EmbedQuery } from '../contract/public.ts';
import { readQuery } from '../contract/query.ts';
import { isClusterId } from '../domain/clusters.ts';
import { ECEI } from '../domain/schemes.ts';
import { fail } from '../errors.ts';
import type { Services } from '../services.ts';

/** The frame's box for each size: the badge's own, so the iframe snippet needs no guessing. */
export const EMBED_BOX = { card: [320, 96], pill: [280, 28], seal: [152, 188] } as const satisfies Record<(typeof EMBED_SIZES)[number], readonly [number, number]>;

const STYLE = 'html,body{margin:0;background:transparent;overflow:hidden}';
/**
 * Inside a frame of the badge's size there is no room for the dialog: a click opens the
 * issuer's page in a new tab instead, caught before it reaches the badge.
 */
const SCRIPT =
  "addEventListener('click',function(e){e.stopPropagation();e.preventDefault();" +
  "open(document.querySelector('cluster-label a').href,'_blank','noopener')},true)";
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const escapeAttribute = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * `GET /embed/{id}?size=&theme=&lang=&scheme=`: the badge (of one scheme, the ECEI's by default) as a page of its own, for site builders and
 * CMSs that strip scripts. It runs the same widget with the same checks; inside the frame the
 * page origin compared is the embedding page's (`location.ancestorOrigins`). `frame-ancestors`
 * lists only the cluster's registered sites, so the frame shows nowhere else.
 */
export function embedRoutes(services: Services) {
  const app = new Hono();
  app.get('/embed/:id', async (c) => {
    const id = c.req.param('id');
    if (!isClusterId(id)) throw fail('cluster_not_found');
    const chosen = readQuery(EmbedQuery, c.req.url);
    const schemes = await services.registry.schemes.list();
    const scheme = schemes.find((s) => s.id === (chosen.scheme ?? ECEI));
    if (!scheme) throw fail('invalid_query', { parameter: 'scheme', rule: `must be one of ${schemes.map((s) => s.id).join(', ')}` });
    const cluster = await services.registry.getCluster(id);
    if (!cluster) throw fail('cluster_not_found');
    // The ECEI badge's words stay as they always were; another scheme's badge bears that scheme's name.
    const name = scheme.id === ECEI ? services.config.programmeName : (scheme.name[chosen.lang] ?? scheme.name.en);
    const linkText = scheme.id === ECEI ? `${name} Label` : name;
    const schemeAttribute = scheme.id === ECEI ? '' : ` scheme="${scheme.id}"`;
    const page = `${services.config.publicUrl}/clusters/${id}`;
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        `script-src 'self' ${hash(SCRIPT)}`,
        "connect-src 'self'",
        `style-src ${hash(STYLE)}`,
        "base-uri 'none'",
        `frame-ancestors ${cluster.sites.length ? cluster.sites.join(' ') : "'none'"}`,
        "require-trusted-types-for 'script'",
        'trusted-types cluster-label',
      ].join('; '),
    );
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(
      `<!doctype html><html lang="${chosen.lang}"><head><meta charset="utf-8"><title>${escapeAttribute(name)}</title>` +
        `<style>${STYLE}</style><script>${SCRIPT}</script><script type="module" src="/widget.js"></script></head>` +
        `<body><cluster-label cluster="${id}"${schemeAttribute} size="${chosen.size}" theme="${chosen.theme}" lang="${chosen.lang}">` +
        `<a href="${escapeAttribute(page)}" target="_blank" rel="noopener">${escapeAttribute(linkText)}</a></cluster-label></body></html>`,
    );
  });
  return app;
}

/** The iframe snippet for a cluster, for pages that cannot run the widget's script. */
export function iframeSnippet(publicUrl: string, id: string, programmeName: string, size: keyof typeof EMBED_BOX = 'card'): string {
  const [width, height] = EMBED_BOX[size];
  const query = size === 'card' ? '' : `?size=${size}`;
  return `<iframe src="${publicUrl}/embed/${id}${query}" width="${width}" height="${height}" title="${escapeAttribute(programmeName)} Label" style="border:0" loading="lazy"></iframe>`;
}
