import { existsSync } from 'node:fs';

/** Flags for a headless Chromium run as root on a machine without a network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The Chromium the browser tests drive. Debian's package is preferred; without one,
 * Playwright's own download is used where it exists. No browser at all is an error
 * that says how to get one, never a silent skip.
 */
export function findChromium(): string | undefined {
  for (const path of candidates) if (path && existsSync(path)) return path;
  return undefined;
}

export function requireChromium(): string {
  const path = findChromium();
  if (path) return path;
  throw new Error(
    'No Chromium found for the browser tests: install it with `apt-get install -y chromium` ' +
      '(or set CHROMIUM_PATH to a Chromium or Chrome binary).',
  );
}
