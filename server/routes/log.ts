import { Hono } from 'hono';
import { fail } from '../errors.ts';
import { levelHashes, readEntries } from '../log/store.ts';
import { entryBundle, parseTilePath, TILE_HEIGHT, TILE_WIDTH } from '../log/tiles.ts';
import type { Services } from '../services.ts';
import { publicResource } from './public.ts';

/** A checkpoint may be cached this long: the spec asks for no more than a few seconds. */
const CHECKPOINT_MAX_AGE = 2;

/**
 * The transparency log as c2sp.org/tlog-tiles publishes it — `/log/checkpoint`,
 * `/log/tile/<L>/<N>[.p/<W>]`, `/log/tile/entries/<N>[.p/<W>]` — and `/v1/log`, which
 * describes it. Tiles never change once their hashes exist, so they are immutable.
 */
export function logRoutes({ log, database, config }: Services) {
  const app = new Hono();
  app.use('/v1/log', publicResource);
  app.use('/log/*', publicResource);

  app.get('/v1/log', async (c) => {
    const keys = await log.verifierKeys();
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({
      origin: log.origin,
      prefix: `${config.publicUrl}/log`,
      checkpoint: `${config.publicUrl}/log/checkpoint`,
      verifierKey: keys.current,
      verifierKeys: keys.all,
      witnesses: log.witnesses.map((w) => ({ name: w.verifier.name, verifierKey: w.vkey })),
    });
  });

  const published = async () => (await log.latest()) ?? (await log.publish());

  app.get('/log/checkpoint', async (c) => {
    const checkpoint = await published();
    c.header('Content-Type', 'text/plain; charset=utf-8');
    c.header('Cache-Control', `public, max-age=${CHECKPOINT_MAX_AGE}`);
    return c.body(checkpoint.note);
  });

  app.get('/log/tile/:path{.+}', async (c) => {
    const address = parseTilePath(c.req.param('path'));
    if (!address) throw fail('tile_not_found', { why: 'This is not the address of a tile' });
    const level = address.level === 'entries' ? 0 : address.level;
    const { size } = await published();
    // Served only where a published checkpoint covers it: one no checkpoint needs may still change.
    if ((address.index * TILE_WIDTH + address.width) * TILE_WIDTH ** level > size) {
      throw fail('tile_not_found', { why: 'The log has no such tile in its published checkpoint' });
    }
    const from = address.index * TILE_WIDTH;
    const body =
      address.level === 'entries'
        ? entryBundle((await readEntries(database.db, from, address.width)).map((entry) => Buffer.from(entry.data)))
        : await levelHashes(database.db, level * TILE_HEIGHT, from, address.width);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(body));
  });

  return app;
}
