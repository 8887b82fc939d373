/**
 * The widget in Chromium against the real issuer on loopback, the way tests/e2e/widget.test.ts
 * starts them: over N page loads of the demo site (each in a fresh browser context, so the
 * HTTP cache is cold), the time from the widget module registering its element to
 * `state="valid"`, the requests the issuer served, layout shift, and then a repeat view of
 * the same page in the same context (within the cache lifetime).
 *
 *   npx tsx tests/bench/widget.ts [--loads 20]
 *
 * "Module start" is the moment the bundle calls `customElements.define('cluster-label')`, the
 * last statement of its evaluation, seen by an init script; requests are counted on the
 * issuer's side, so a response served from the browser's HTTP cache does not count.
 */
import { freePort } from '../support/ports.ts';
import { serve } from '@hono/node-server';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startDemo } from '../../demo/serve.ts';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { startTestServer } from '../support/server.ts';

const { values } = parseArgs({ options: { loads: { type: 'string', default: '20' } } });
const loads = Number(values.loads);


const bundle = readFileSync(new URL('../../dist/widget/cluster-label.js', import.meta.url));
const gzip = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const [issuerPort, demoPort, faultyPort] = [await freePort(), await freePort(), await freePort()];
const issuer = `http://localhost:${issuerPort}`;
const site = `http://localhost:${demoPort}`;
const server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuer } });
await seedDemo(server.registry, { sites: [site], now: server.now() });

// Every request the issuer answers, by path: the browser's cache hits never reach here.
let served: string[] = [];
const issuerServer = serve({
  fetch: (request) => {
    served.push(new URL(request.url).pathname);
    return server.app.fetch(request);
  },
  port: issuerPort,
  hostname: '127.0.0.1',
});
const demo = await startDemo({ issuerUrl: issuer, port: demoPort, faultyPort });
const browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });

/**
 * Installed before any page script: marks the module's start, the verdict, the box and layout
 * shifts. A string, not a function: tsx would wrap the function's inner names in a helper the
 * page does not have.
 */
const probe = `(() => {
  const bench = (window.bench = { shift: 0 });
  const define = customElements.define.bind(customElements);
  customElements.define = (name, constructor, options) => {
    if (name === 'cluster-label') bench.start ??= performance.now();
    define(name, constructor, options);
  };
  const box = (element) => {
    const { width, height } = element.getBoundingClientRect();
    return width.toFixed(1) + '×' + height.toFixed(1);
  };
  // The first frame the element is drawn in, still loading.
  const watchLoading = () => {
    const element = document.querySelector('cluster-label');
    if (element && element.getAttribute('state') === 'loading' && element.shadowRoot?.childElementCount) bench.loadingBox ??= box(element);
    if (!bench.valid) requestAnimationFrame(watchLoading);
  };
  requestAnimationFrame(watchLoading);
  document.addEventListener('cluster-label-state', (event) => {
    if (event.detail.state === 'valid' && !bench.valid) {
      bench.valid = performance.now();
      // When the token's request started and its answer was in, from the resource timing.
      const token = performance.getEntriesByType('resource').find((entry) => entry.name.includes('/attestation'));
      bench.tokenStart = token ? token.startTime : NaN;
      bench.tokenEnd = token ? token.responseEnd : NaN;
      // After the valid face is drawn.
      requestAnimationFrame(() => requestAnimationFrame(() => (bench.validBox = box(event.target))));
    }
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      bench.shift += entry.value;
      // What moved: the element itself, or the page around it.
      for (const source of entry.sources ?? []) {
        const node = source.node;
        const name = node ? (node.nodeName + (node.className ? '.' + String(node.className).split(' ')[0] : '')).toLowerCase() : '?';
        bench.shifted = [...new Set([...(bench.shifted ?? []), name])];
      }
    }
  }).observe({ type: 'layout-shift', buffered: true });
})();`;

type Result = { shifted: string[]; ms: number; fetchStart: number; fetchEnd: number; requests: string[]; shift: number; loadingBox?: string; validBox?: string };

async function view(page: import('playwright-core').Page): Promise<Result> {
  served = [];
  await page.goto(`${site}/`);
  await page
    .waitForFunction(() => (window as unknown as { bench: { validBox?: string } }).bench.validBox !== undefined, null, { timeout: 15_000 })
    .catch(async (error: Error) => {
      const state = await page.evaluate(() => ({ bench: (window as unknown as { bench: unknown }).bench, state: document.querySelector('cluster-label')?.getAttribute('state') }));
      throw new Error(`${error.message}: ${JSON.stringify(state)}`);
    });
  const bench = await page.evaluate(() => (window as unknown as { bench: { shifted?: string[]; start: number; valid: number; tokenStart: number; tokenEnd: number; shift: number; loadingBox?: string; validBox?: string } }).bench);
  return { shifted: bench.shifted ?? [], ms: bench.valid - bench.start, fetchStart: bench.tokenStart - bench.start, fetchEnd: bench.tokenEnd - bench.start, requests: served.filter((path) => path !== '/widget.js'), shift: bench.shift, loadingBox: bench.loadingBox, validBox: bench.validBox };
}

const first: Result[] = [];
const repeat: Result[] = [];
let widgetRequestsOnRepeat = 0;
try {
  for (let i = -2; i < loads; i++) {
    const context = await browser.newContext();
    await context.addInitScript(probe);
    const page = await context.newPage();
    const a = await view(page);
    const b = await view(page);
    widgetRequestsOnRepeat += served.filter((path) => path === '/widget.js').length;
    await context.close();
    // The first two loads warm the server and the browser and are not counted.
    if (i >= 0) {
      first.push(a);
      repeat.push(b);
    }
  }
} finally {
  await browser.close();
  await demo.close();
  await new Promise((resolve) => issuerServer.close(resolve));
  await server.cleanup();
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const describe = (results: Result[]) => {
  const ms = results.map((r) => r.ms);
  const requests = results.map((r) => r.requests.length);
  const boxes = new Set(results.map((r) => `${r.loadingBox ?? '?'} → ${r.validBox ?? '?'}`));
  const median = (pick: (r: Result) => number) => quantile(results.map(pick), 0.5).toFixed(1);
  return `median ${quantile(ms, 0.5).toFixed(1)} ms, p95 ${quantile(ms, 0.95).toFixed(1)} ms (token request sent at ${median((r) => r.fetchStart)} ms, answered at ${median((r) => r.fetchEnd)} ms, medians); issuer requests ${Math.min(...requests)}–${Math.max(...requests)} (${[...new Set(results.flatMap((r) => r.requests))].join(', ') || 'none'}); layout shift max ${Math.max(...results.map((r) => r.shift)).toFixed(4)} (moved: ${[...new Set(results.flatMap((r) => r.shifted))].join(', ') || 'nothing'}); box loading → valid ${[...boxes].join(' | ')}`;
};
console.log(`widget benchmark — Chromium on loopback, ${loads} page loads of the demo site, module start → state="valid"`);
console.log(`  bundle        ${bundle.length} B raw, ${(gzip / 1024).toFixed(2)} KB gzip -9, ${(brotli / 1024).toFixed(2)} KB brotli -q11`);
console.log(`  first view    ${describe(first)}`);
console.log(`  repeat view   ${describe(repeat)}; widget.js fetched again ${widgetRequestsOnRepeat}×`);
