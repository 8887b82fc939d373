import { Hono } from 'hono';
import { LOCALE_FILE } from '../contract/public.ts';
import { fail } from '../errors.ts';
import type { WidgetAssets } from '../widget-assets.ts';
import { publicResource } from './public.ts';

/**
 * `GET /widget/{version}/locales/{lang}.json`: the badge's words in a language the bundle does
 * not carry, built with it (`npm run build`). Like the versioned bundle it never changes, so any
 * cache may keep it for a year: a visitor pays for a language once. English and German are in
 * the bundle and have no file.
 */
export function widgetLocaleRoutes(widget: WidgetAssets) {
  const app = new Hono();
  const path = '/widget/:version/locales/:file';
  app.use(path, publicResource);
  app.get(path, (c) => {
    if (!widget.code) throw fail('widget_not_built');
    if (c.req.param('version') !== widget.version) throw fail('widget_version_not_found', { version: widget.version });
    const [, lang] = LOCALE_FILE.exec(c.req.param('file')) ?? [];
    const file = lang === undefined ? undefined : widget.locales.get(lang);
    if (!file) throw fail('widget_language_not_found', { languages: [...widget.locales.keys()].join(', ') });
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(file);
  });
  return app;
}
