import { Hono, type Context } from 'hono';
import { BadgeQuery } from '../contract/public.ts';
import { readQuery } from '../contract/query.ts';
import { endOfDay } from '../domain/dates.ts';
import { isClusterId } from '../domain/clusters.ts';
import { fail } from '../errors.ts';
import { labelClaim } from '../domain/claims.ts';
import { ECEI } from '../domain/schemes.ts';
import { publicResource } from '../routes/public.ts';
import type { Services } from '../services.ts';
import { drawBadge } from './draw.ts';
import { PngRenderer } from './png.ts';

/** How long a cache may keep the image: five minutes for a valid label, but never past its end; a minute otherwise. */
export function badgeMaxAge(label: { status: string; validUntil?: string | undefined }, now: Date): number {
  if (label.status !== 'valid') return 60;
  const left = Math.floor((endOfDay(label.validUntil!).getTime() - now.getTime()) / 1000);
  return Math.max(0, Math.min(300, left));
}

type Format = 'svg' | 'png';

/**
 * `GET /v1/clusters/{id}/badge.svg` and `.png`: the current status as an image, for places
 * without JavaScript (PNG for mail clients that block SVG). An id the register does not know
 * gets a "not registered" image with its `404`, so an `<img>` never shows as broken.
 */
export function badgeRoutes(services: Services) {
  const app = new Hono();
  const png = new PngRenderer();
  const { programmeName, publicUrl } = services.config;
  const answer = (format: Format) => async (c: Context) => {
    const id = c.req.param('id') ?? '';
    const { lang, scheme: asked } = readQuery(BadgeQuery, c.req.url);
    // One scheme's label a badge: the ECEI's unless `scheme` names another; never another scheme's.
    const schemes = await services.registry.schemes.list();
    const scheme = schemes.find((s) => s.id === (asked ?? ECEI));
    if (!scheme) throw fail('invalid_query', { parameter: 'scheme', rule: `must be one of ${schemes.map((s) => s.id).join(', ')}` });
    const cluster = isClusterId(id) ? await services.registry.getCluster(id) : undefined;
    const now = services.now();
    const held = cluster && (await services.registry.getCurrentLabels(id)).find((l) => l.scheme === scheme.id);
    const label = cluster ? labelClaim(held, now) : null;
    const level = scheme.id === ECEI ? undefined : held && scheme.levels.find((l) => l.id === held.level);
    const svg = drawBadge({
      programmeName: scheme.id === ECEI ? programmeName : (scheme.name[lang] ?? scheme.name.en),
      clusterName: cluster?.name ?? id,
      pageUrl: cluster ? `${publicUrl}/clusters/${id}` : `${publicUrl}/clusters`,
      label,
      lang,
      level: level && { name: level.name[lang] ?? level.name.en, colour: level.seal.colour },
    });
    c.status(cluster ? 200 : 404);
    c.header('Cache-Control', `public, max-age=${label ? badgeMaxAge(label, now) : 60}`);
    // Opened on its own, the image is a document: it may style itself and do nothing else.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (format === 'png') {
      c.header('Content-Type', 'image/png');
      return c.body(new Uint8Array(png.render(svg)));
    }
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    return c.body(svg);
  };
  for (const format of ['svg', 'png'] as const) {
    const path = `/v1/clusters/:id/badge.${format}`;
    app.use(path, publicResource);
    app.get(path, answer(format));
  }
  return app;
}
