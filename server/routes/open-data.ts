import { Hono } from 'hono';
import { OPEN_DATA_PAGE_SIZE } from '../contract/public.ts';
import { ECEI } from '../domain/schemes.ts';
import { eachCluster, encodeCursor, matchCounts, parseCursor, parseSearchParams, searchClusters, type RegisterEntry } from '../registry/search.ts';
import type { Services } from '../services.ts';
import { publicResource } from './public.ts';

export const CSV_COLUMNS = ['id', 'name', 'organisation', 'country', 'portfolio', 'sites', 'level', 'status', 'awarded', 'valid_until', 'revoked_at', 'revocation_reason', 'url'] as const;

/** The columns of a scheme other than the ECEI's, after `url`: the label columns named after the scheme (`kompass_level`, …). */
const SCHEME_COLUMNS = ['level', 'status', 'awarded', 'valid_until', 'revoked_at', 'revocation_reason'] as const;
const schemeColumns = (scheme: string) => SCHEME_COLUMNS.map((column) => `${scheme}_${column}`);

/**
 * One CSV cell, always quoted. A cell that a spreadsheet would read as a formula
 * (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
 * apostrophe, so it shows as the text it is.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** `otherSchemes`: the ids of the schemes besides the ECEI's, each a group of columns after `url`. */
function csvRow(entry: RegisterEntry, publicUrl: string, otherSchemes: readonly string[]): string {
  const { cluster, label, labels } = entry;
  const cells = [
    cluster.id,
    cluster.name,
    cluster.organisation,
    cluster.country,
    cluster.portfolio,
    cluster.sites.join(' '),
    label.level ?? '',
    label.status,
    label.awarded ?? '',
    label.validUntil ?? '',
    label.revokedAt ?? '',
    label.reason ?? '',
    `${publicUrl}/clusters/${cluster.id}`,
    ...otherSchemes.flatMap((scheme) => {
      const held = labels.find((entry) => entry.scheme === scheme);
      return held ? [held.level ?? '', held.status, held.awarded ?? '', held.validUntil ?? '', held.revokedAt ?? '', held.reason ?? ''] : ['', 'none', '', '', '', ''];
    }),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** `GET /v1/clusters` (JSON, a page) and `GET /v1/clusters.csv` (every match, streamed): the register as open data. */
export function openDataRoutes(services: Services) {
  const app = new Hono();
  const { publicUrl } = services.config;
  app.use('/v1/clusters', publicResource);
  app.use('/v1/clusters.csv', publicResource);

  app.get('/v1/clusters', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = parseSearchParams(params, { pageSize: OPEN_DATA_PAGE_SIZE, now: services.now() });
    const after = parseCursor(params, query.sort);
    const { items, total, next } = await searchClusters(services.database.db, services.database.dialect, { ...query, after }, matchCounts(services.database.changes));
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({
      items: items.map(({ cluster, label, labels }) => ({ ...cluster, label, labels, url: `${publicUrl}/clusters/${cluster.id}` })),
      total,
      ...(after ? {} : { page: query.page }),
      pageSize: query.pageSize,
      next: next ? `${publicUrl}/v1/clusters?${nextPage(params, encodeCursor(next))}` : null,
    });
  });

  app.get('/v1/clusters.csv', async (c) => {
    // Checked before the first byte is sent, so a bad filter is still a 400.
    const query = parseSearchParams(new URL(c.req.url).searchParams, { pageSize: OPEN_DATA_PAGE_SIZE, now: services.now() });
    const otherSchemes = (await services.registry.schemes.list()).filter((scheme) => scheme.id !== ECEI).map((scheme) => scheme.id);
    const header = [...CSV_COLUMNS, ...otherSchemes.flatMap(schemeColumns)];
    const batches = eachCluster(services.database.db, services.database.dialect, query, query.now);
    const encoder = new TextEncoder();
    // One batch per pull: the client's pace sets ours, and memory holds one batch at a time.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${header.join(',')}\r\n`));
      },
      async pull(controller) {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map((entry) => csvRow(entry, publicUrl, otherSchemes)).join('')));
      },
      async cancel() {
        await batches.return(undefined);
      },
    });
    return new Response(body, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': 'attachment; filename="clusters.csv"',
        'Cache-Control': 'public, max-age=300',
      },
    });
  });

  return app;
}

/** The next page's query: this one with the cursor in place of a page number. */
function nextPage(params: URLSearchParams, cursor: string): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('page');
  next.set('after', cursor);
  return next;
}
