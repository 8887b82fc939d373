import { Hono } from 'hono';
import { endOfDay } from '../domain/dates.ts';
import { isClusterId } from '../domain/clusters.ts';
import { fail } from '../errors.ts';
import { labelClaim } from '../domain/claims.ts';
import { publicResource } from '../routes/public.ts';
import type { Services } from '../services.ts';
import { drawBadge, type BadgeLang } from './draw.ts';

/** How long a cache may keep the image: five minutes for a valid label, but never past its end; a minute otherwise. */
export function badgeMaxAge(label: { status: string; validUntil?: string | undefined }, now: Date): number {
  if (label.status !== 'valid') return 60;
  const left = Math.floor((endOfDay(label.validUntil!).getTime() - now.getTime()) / 1000);
  return Math.max(0, Math.min(300, left));
}

/** `GET /v1/clusters/{id}/badge.svg`: the current status as an image, for places without JavaScript. */
export function badgeRoutes(services: Services) {
  const app = new Hono();
  const path = '/v1/clusters/:id/badge.svg';
  app.use(path, publicResource);
  app.get(path, async (c) => {
    const id = c.req.param('id');
    if (!isClusterId(id)) throw fail('cluster_not_found');
    const lang = c.req.query('lang') ?? 'en';
    if (lang !== 'en' && lang !== 'de') throw fail('invalid_query', { parameter: 'lang', rule: 'must be en or de' });
    const cluster = await services.registry.getCluster(id);
    if (!cluster) throw fail('cluster_not_found');
    const now = services.now();
    const label = labelClaim(await services.registry.getCurrentLabel(id), now);
    const svg = drawBadge({
      programmeName: services.config.programmeName,
      clusterName: cluster.name,
      pageUrl: `${services.config.publicUrl}/clusters/${id}`,
      label,
      lang: lang satisfies BadgeLang,
    });
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', `public, max-age=${badgeMaxAge(label, now)}`);
    // Opened on its own, the image is a document: it may style itself and do nothing else.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.body(svg);
  });
  return app;
}
