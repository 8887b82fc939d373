import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WidgetAssets {
  /** The bundle, or undefined when `npm run build` has not been run. */
  code: Uint8Array | undefined;
  version: string;
  major: string;
  /** Subresource Integrity hash of the versioned file. */
  integrity: string | undefined;
  etag: string | undefined;
}

const root = new URL('..', import.meta.url);

/** Reads the built widget once at start. */
export function loadWidgetAssets(file = fileURLToPath(new URL('dist/widget/cluster-label.js', root))): WidgetAssets {
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as { version: string }).version;
  const major = version.split('.')[0] ?? '0';
  let code: Uint8Array | undefined;
  try {
    code = readFileSync(file);
  } catch {
    return { code: undefined, version, major, integrity: undefined, etag: undefined };
  }
  return {
    code,
    version,
    major,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
    etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"`,
  };
}
