import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The widget as this server serves it: built (its bundle, SRI hash and ETag), or not. */
export type WidgetAssets = {
  version: string;
  major: string;
  /** The badge's words for each language not in the bundle (`pl` → its JSON), built beside it. */
  locales: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
} & (
  | {
      code: Uint8Array<ArrayBuffer>;
      /** Subresource Integrity hash of the versioned file. */
      integrity: string;
      etag: string;
    }
  /** `npm run build` has not been run. */
  | { code: undefined; integrity: undefined; etag: undefined }
);

/** The language files the build wrote into `locales/` beside the bundle. */
function readLocales(folder: string): Map<string, Uint8Array<ArrayBuffer>> {
  try {
    return new Map(readdirSync(folder).filter((name) => name.endsWith('.json')).map((name) => [name.slice(0, -'.json'.length), readFileSync(join(folder, name))]));
  } catch {
    return new Map();
  }
}

const root = new URL('..', import.meta.url);

/** Reads the built widget once at start. */
export function loadWidgetAssets(file = fileURLToPath(new URL('dist/widget/cluster-label.js', root))): WidgetAssets {
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as { version: string }).version;
  const major = version.split('.')[0] ?? '0';
  let code: Uint8Array<ArrayBuffer> | undefined;
  try {
    code = readFileSync(file);
  } catch {
    return { code: undefined, version, major, integrity: undefined, etag: undefined, locales: new Map() };
  }
  return {
    code,
    version,
    major,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
    etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`,
    locales: readLocales(join(dirname(file), 'locales')),
  };
}
