import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { HtmlEscapedString } from 'hono/utils/html';
import { isClusterId } from '../../domain/clusters.ts';
import { fail, LabelError, statusOf } from '../../errors.ts';
import { verifyBodyLimit } from '../../credentials/routes.ts';
import { VerifyPage } from '../../credentials/verify-page.tsx';
import { badgeTitle } from '../../badge/draw.ts';
import { labelClaim } from '../../domain/claims.ts';
import { REGISTER_PAGE_SIZE } from '../../contract/public.ts';
import { eceiLabel } from '../../domain/labels.ts';
import { ECEI } from '../../domain/schemes.ts';
import { matchCounts, parseSearchParams, registeredCountries, searchClusters } from '../../registry/search.ts';
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import { ClusterPage } from './cluster.tsx';
import { WebsitePage } from './website.tsx';
import { ClusterNotFoundPage } from './errors.tsx';
import { chooseLanguage, LANGUAGES, languageOf, type Lang } from './i18n.ts';
import type { PageContext } from './layout.tsx';
import { RegisterPage } from './register.tsx';

const css = readFileSync(new URL('../../assets/register.css', import.meta.url), 'utf8');

/**
 * The pages' policy: no script at all, the one inline stylesheet by its hash, and
 * never inside another site's frame.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The security headers of every page, error pages included, beside the app's own (`security-headers.ts`: nosniff, HSTS). */
export const PAGE_HEADERS = {
  'Content-Security-Policy': PAGE_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
};

const LANG_COOKIE = 'lang';

/**
 * What every page needs to know of the request and the issuer: the visitor's language,
 * and the language switch's links, to `at` (default: the address asked for).
 */
export function pageContext(c: Context, config: Pick<Config, 'programmeName' | 'issuerName' | 'publicUrl'>, at = c.req.url): PageContext {
  const url = new URL(at, config.publicUrl);
  const switchTo: Record<Lang, string> = Object.fromEntries(
    LANGUAGES.map((lang) => {
      const params = new URLSearchParams(url.search);
      params.set('lang', lang);
      return [lang, `${url.pathname}?${params}`];
    }),
  );
  const lang = chooseLanguage(getCookie(c, LANG_COOKIE), c.req.header('Accept-Language'));
  return { lang, programmeName: config.programmeName, issuerName: config.issuerName, publicUrl: config.publicUrl, switchTo, css };
}

/** The register and the verification pages, server-rendered, in every language of the catalogue. */
export function pageRoutes(services: Services) {
  const app = new Hono();
  const { programmeName, publicUrl } = services.config;
  const context = (c: Context) => pageContext(c, services.config);

  const render = (c: Context, status: 200 | 400 | 404, page: HtmlEscapedString | Promise<HtmlEscapedString>) => {
    c.header('Cache-Control', 'no-cache');
    // The language follows the cookie, else Accept-Language.
    c.header('Vary', 'Accept-Language, Cookie');
    return c.html(page, status);
  };

  // `/clusters/*` covers `/clusters` itself too.
  app.use('/clusters/*', pageHeaders);
  // The language switch: `?lang=` remembers the choice and returns to the same address without it.
  app.use('/clusters/*', rememberLanguage(publicUrl));

  app.get('/clusters', async (c) => {
    const now = services.now();
    const query = parseSearchParams(new URL(c.req.url).searchParams, { pageSize: REGISTER_PAGE_SIZE, now });
    const [result, countries] = await Promise.all([
      searchClusters(services.database.db, services.database.dialect, query, matchCounts(services.database.changes)),
      registeredCountries(services.database.db),
    ]);
    return render(c, 200, <RegisterPage page={context(c)} query={query} result={result} countries={countries} />);
  });

  app.get('/clusters/:id', async (c) => {
    const id = c.req.param('id');
    const cluster = isClusterId(id) ? await services.registry.getCluster(id) : undefined;
    if (!cluster) return render(c, 404, <ClusterNotFoundPage page={context(c)} id={id.slice(0, 64)} />);
    const [history, schemes] = await Promise.all([services.registry.getLabels(id), services.registry.schemes.list()]);
    const labels = history.filter((label) => label.scheme === ECEI).map(eceiLabel);
    // The other schemes in the list's order (by id), each that the cluster ever held a label in.
    const others = schemes
      .filter((scheme) => scheme.id !== ECEI)
      .map((scheme) => ({ scheme, labels: history.filter((label) => label.scheme === scheme.id) }))
      .filter((held) => held.labels.length > 0);
    const now = services.now();
    return render(c, 200, <ClusterPage page={context(c)} cluster={cluster} labels={labels} others={others} now={now} />);
  });

  app.get('/clusters/:id/website', async (c) => {
    const id = c.req.param('id');
    const cluster = isClusterId(id) ? await services.registry.getCluster(id) : undefined;
    if (!cluster) return render(c, 404, <ClusterNotFoundPage page={context(c)} id={id.slice(0, 64)} />);
    const label = labelClaim(await services.registry.getCurrentLabel(id), services.now());
    const page = context(c);
    const title = badgeTitle({ programmeName, clusterName: cluster.name, pageUrl: `${publicUrl}/clusters/${id}`, label, lang: page.lang });
    return render(c, 200, <WebsitePage page={page} cluster={cluster} badgeTitle={title} />);
  });

  // Verify a credential, attestation or status list: the form posts to the page itself.
  app.use('/verify', pageHeaders);
  app.get('/verify', (c) => render(c, 200, <VerifyPage page={context(c)} />));
  app.post('/verify', verifyBodyLimit, async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw fail('malformed_form');
    });
    const input = form.file instanceof File && form.file.size > 0 ? await form.file.text() : typeof form.credential === 'string' ? form.credential : '';
    try {
      return render(c, 200, <VerifyPage page={context(c)} input={input} report={await services.credentials.verifier.verify(input)} />);
    } catch (error) {
      if (!(error instanceof LabelError) || statusOf(error) !== 400) throw error;
      return render(c, 400, <VerifyPage page={context(c)} input={input} error={error.message} />);
    }
  });

  return app;
}

function rememberLanguage(publicUrl: string): MiddlewareHandler {
  const secure = publicUrl.startsWith('https:');
  return async function rememberLanguage(c, next) {
    const url = new URL(c.req.url);
    const asked = url.searchParams.get('lang');
    if (asked === null) return next();
    // A regional tag chooses its language (`pt-BR` → `pt`); one the catalogue lacks changes nothing.
    const lang = languageOf(asked);
    if (lang) setCookie(c, LANG_COOKIE, lang, { path: '/', maxAge: 365 * 86_400, sameSite: 'Lax', httpOnly: true, secure });
    url.searchParams.delete('lang');
    return c.redirect(`${url.pathname}${url.search}`, 303);
  };
}
