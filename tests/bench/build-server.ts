/**
 * An experiment, not the project's build: bundles server/main.ts into one JavaScript file,
 * dist/server/main.js, so the start-up and memory benchmarks can compare the server run as
 * compiled JavaScript with the same code run through tsx. Packages stay external (resolved
 * from node_modules at run time); each module's `import.meta.url` is replaced by its source
 * file's URL, so the files it reads beside itself (assets, the demo site, dist/widget) are
 * found where they are.
 *
 *   npx tsx tests/bench/build-server.ts
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const started = performance.now();
await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/server/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  logLevel: 'warning',
  plugins: [
    {
      name: 'source-import-meta-url',
      setup(plugin) {
        plugin.onLoad({ filter: /\.tsx?$/ }, async ({ path }) => ({
          contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
          loader: path.endsWith('x') ? 'tsx' : 'ts',
        }));
      },
    },
  ],
});
console.log(`dist/server/main.js built in ${(performance.now() - started).toFixed(0)} ms`);
