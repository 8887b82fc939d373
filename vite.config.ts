/// <reference types="vitest/config" />
import { relative, resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { BUNDLED, catalogueLanguages, readCatalogue, widgetMessages } from './locales/catalogue.ts';
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

/**
 * Lit creates a Trusted Types policy named `lit-html` when its module loads. A host page that
 * allows only its own names refuses it, and a host that uses Lit itself already holds that
 * name: either way the element is never defined. The widget's contract is one policy named
 * `cluster-label`, so the widget's copy of Lit asks for that name instead. Failing the build
 * when the call is not found keeps a Lit update from slipping past unnoticed.
 */
function trustedTypesPolicyName(): Plugin {
  const call = /createPolicy\((["'])lit-html\1/g;
  return {
    name: 'trusted-types-policy-name',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]lit-html[\\/]/.test(id) || !code.includes('createPolicy')) return;
      const renamed = code.replace(call, 'createPolicy("cluster-label"');
      if (renamed === code) throw new Error(`${id}: Lit's Trusted Types policy call changed; see trustedTypesPolicyName in vite.config.ts`);
      return { code: renamed, map: null };
    },
  };
}

/**
 * One file per language that is not in the bundle, beside the bundle: `locales/pl.json`, …, the
 * widget's part of the message catalogue with English filled in wherever a language lacks a
 * text. The issuer serves them under the widget's versioned path, immutable.
 */
function widgetLanguageFiles(): Plugin {
  return {
    name: 'widget-language-files',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    generateBundle() {
      for (const [lang, messages] of readCatalogue()) {
        if ((BUNDLED as readonly string[]).includes(lang)) continue;
        this.emitFile({ type: 'asset', fileName: `locales/${lang}.json`, source: JSON.stringify(widgetMessages(messages)) });
      }
    },
  };
}

const version = (JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string }).version;

export default defineConfig(async (): Promise<UserConfig> => ({
  plugins: [sourceImportMetaUrl(), trustedTypesPolicyName(), widgetLanguageFiles()],
  // The log's verifier key (and pinned witnesses' keys), comma-separated, fixed into the widget at build time (docs/security.md).
  // The widget's version and the catalogue's languages, for the language files the widget fetches.
  define: {
    __CLUSTER_LABEL_LOG_KEYS__: JSON.stringify((process.env.CLUSTER_LABEL_LOG_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean)),
    __CLUSTER_LABEL_VERSION__: JSON.stringify(version),
    __CLUSTER_LABEL_LANGUAGES__: JSON.stringify(catalogueLanguages().join(' ')),
  },
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
    // The server, the admin CLI and the witness as JavaScript for Node (main.js, cli.js, witness.js).
    ssr: {
      // Packages bundled in (Kysely alone is some 300 modules): the CLI and the server each load a few
      // files, not hundreds. libsql and resvg stay outside: each loads a native addon.
      resolve: { noExternal: true, external: ['libsql', '@resvg/resvg-js'] },
      build: {
        outDir: serverOutDir,
        emptyOutDir: true,
        target: 'node20',
        ssr: true,
        rolldownOptions: {
          input: { main: 'server/main.ts', cli: 'server/cli/main.ts', witness: 'server/witness.ts' },
          // Every chunk directly in outDir: the relative URLs above are written for that folder.
          output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    },
  },
  test: {
    // Two files at a time on two cores: much of a test's time is waiting for a database, a
    // browser or a server, and the default (cores − 1) would run one file at a time.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/server/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/budget/**/*.test.ts'],
          // One migrated registry per dialect, copied by each test (tests/support/database-template.ts).
          globalSetup: ['tests/support/database-template.ts'],
          // Ceilings against a hang, generous enough for a machine under load.
          testTimeout: 60_000,
          hookTimeout: 60_000,
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
          globalSetup: ['tests/support/database-template.ts'],
          // Ceilings against a hang, not measures of speed: a page clock walked through minutes
          // takes real minutes on a loaded machine.
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
}));
