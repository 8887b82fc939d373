import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, findChromium } from './tests/support/chromium.ts';

const executablePath = findChromium();

export default defineConfig({
  // The browser tests read the Wycheproof vectors from ../shared/testvectors.
  server: { fs: { allow: ['.', '../shared/testvectors'] } },
  // `npm run build`: the widget as one self-contained ES module (Lit and jose inside).
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: 'widget/define.ts',
      formats: ['es'],
      fileName: () => 'cluster-label.js',
    },
    rolldownOptions: { output: { codeSplitting: false } },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/server/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/budget/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        // Pre-bundled up front, so a cold cache does not reload the page mid-run.
        optimizeDeps: { include: ['lit', 'jose', 'fast-check', 'axe-core'] },
        test: {
          name: 'browser',
          include: ['tests/widget/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
