/// <reference types="vitest/config" />
import { relative, resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { chromiumArgs, findChromium } from './tests/support/chromium.ts';

const serverOutDir = 'dist/server';

/**
 * The built server reads files that live beside its sources (the register's CSS, the demo
 * site, the built widget): each bundled module keeps its own `import.meta.url`, written
 * relative to the bundle, so the checkout can move.
 */
function sourceImportMetaUrl(): Plugin {
  return {
    name: 'source-import-meta-url',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'ssr',
    transform(code, id) {
      if (id.includes('/node_modules/') || !code.includes('import.meta.url')) return;
      const source = relative(resolve(serverOutDir), id).replaceAll('\\', '/');
      return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(source)}, import.meta.url).href`), map: null };
    },
  };
}

export default defineConfig(async (): Promise<UserConfig> => ({
  // The browser tests read the Wycheproof vectors from ../shared/testvectors.
  server: { fs: { allow: ['.', '../shared/testvectors'] } },
  plugins: [sourceImportMetaUrl()],
  // The log's verifier key (and pinned witnesses' keys), comma-separated, fixed into the widget at build time (docs/security.md).
  define: { __CLUSTER_LABEL_LOG_KEYS__: JSON.stringify((process.env.CLUSTER_LABEL_LOG_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean)) },
  // `npm run build` (`vite build`) builds both environments in one run.
  builder: {},
  environments: {
    // The widget as one self-contained ES module (Lit inside).
    client: {
      build: {
        outDir: 'dist/widget',
        emptyOutDir: true,
        target: 'es2022',
        lib: { entry: 'widget/define.ts', formats: ['es'], fileName: () => 'cluster-label.js' },
        // Fully minified: a library build keeps its whitespace for other bundlers, but this
        // file goes to every visitor as it is.
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
      },
    },
    // The server as JavaScript for Node; packages stay in node_modules.
    ssr: {
      build: {
        outDir: serverOutDir,
        emptyOutDir: true,
        target: 'node20',
        ssr: 'server/main.ts',
        // Every chunk directly in outDir: the relative URLs above are written for that folder.
        rolldownOptions: { output: { chunkFileNames: '[name]-[hash].js' } },
      },
    },
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
            // Loaded only when tests run: the builds behind `npm start` need none of it.
            provider: process.env.VITEST ? (await import('@vitest/browser-playwright')).playwright({ launchOptions: { executablePath: findChromium(), args: chromiumArgs } }) : undefined,
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
}));
