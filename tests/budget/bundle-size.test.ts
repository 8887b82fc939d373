import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createBuilder } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/** The widget's whole weight on the wire, gzipped: the hard limit. */
const BUDGET = 16 * 1024;

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'cluster-label-bundle-'));
let code: Buffer;

beforeAll(async () => {
  // A fresh build with the project's own configuration, so a stale dist/ can never pass for it.
  // Vitest sets NODE_ENV=test, which would make Vite pick Lit's development build; `vite build` runs as production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    // Only the browser's environment (the widget), written here rather than to dist/.
    const builder = await createBuilder({
      root,
      mode: 'production',
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'silent',
      environments: { client: { build: { outDir, emptyOutDir: true } } },
    });
    await builder.build(builder.environments.client!);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  code = readFileSync(join(outDir, 'cluster-label.js'));
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('widget bundle', () => {
  test(`is at most ${BUDGET / 1024} KB gzipped`, () => {
    const gzip = gzipSync(code, { level: 9 }).length;
    const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
    console.log(`widget bundle: ${kb(code.length)} raw, ${kb(gzip)} gzip, ${kb(brotli)} brotli (budget ${kb(BUDGET)} gzip)`);
    expect(gzip).toBeLessThanOrEqual(BUDGET);
  });

  test('is one self-contained module: no imports left, nothing a strict CSP refuses', () => {
    const text = code.toString('utf8');
    expect(text).not.toMatch(/^\s*import[\s{*'"]/m);
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).not.toMatch(/\beval\s*\(|new\s+Function\s*\(/);
    expect(text).toContain('import.meta.url');
    expect(text).toMatch(/customElements\.define\(["'`]cluster-label["'`]/);
  });

  test('creates one Trusted Types policy, named cluster-label', () => {
    const calls = code.toString('utf8').match(/createPolicy\(\s*["'`][^"'`]*["'`]/g);
    expect(calls).toEqual([expect.stringMatching(/cluster-label/)]);
  });

  test('carries no development build of Lit', () => {
    expect(code.toString('utf8')).not.toContain('Lit is in dev mode');
  });
});
