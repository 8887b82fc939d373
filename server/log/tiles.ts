/**
 * Tile addresses of c2sp.org/tlog-tiles: `tile/<L>/<N>[.p/<W>]` and
 * `tile/entries/<N>[.p/<W>]`, the index in 3-digit path elements, all but the last
 * prefixed `x` (1234067 → `x001/x234/067`). A tile is 256 hashes of level 8·L.
 */

export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;

export interface TileAddress {
  /** The tile level, or `entries` for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** 1 to 255 for a partial tile; 256 for a full one. */
  width: number;
}

export function tileIndexPath(index: number): string {
  const digits = String(index).padStart(3, '0');
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end).padStart(3, '0'));
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

export function tilePath({ level, index, width }: TileAddress): string {
  return `tile/${level}/${tileIndexPath(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** Reads the part after `tile/`; undefined for anything that is not a tile address in canonical form. */
export function parseTilePath(path: string): TileAddress | undefined {
  const match = /^(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!match) return undefined;
  const level: TileAddress['level'] = match[1] === 'entries' ? 'entries' : Number(match[1]);
  if (typeof level === 'number' && level > 63) return undefined;
  const index = Number(match[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = match[3] ? Number(match[3]) : TILE_WIDTH;
  if (!Number.isSafeInteger(index) || width > TILE_WIDTH || (match[3] && width === TILE_WIDTH)) return undefined;
  const address = { level, index, width };
  // One resource, one address: leading groups of zeroes are not another name for it.
  return tilePath(address) === `tile/${path}` ? address : undefined;
}

/** The tiles a tree of `size` has at `level` (tree level 8·level): how many full ones and the partial one's width (0: none). */
export function tilesAt(level: number, size: number): { full: number; partial: number } {
  const hashes = Math.floor(size / TILE_WIDTH ** level);
  return { full: Math.floor(hashes / TILE_WIDTH), partial: hashes % TILE_WIDTH };
}

/** An entry bundle: each entry as a big-endian uint16 length and its bytes. */
export function entryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}

export function readEntryBundle(bundle: Uint8Array): Buffer[] {
  const data = Buffer.from(bundle);
  const entries: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    if (at + 2 > data.length) throw new RangeError('The entry bundle ends inside a length.');
    const length = data.readUInt16BE(at);
    if (at + 2 + length > data.length) throw new RangeError('The entry bundle ends inside an entry.');
    entries.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
