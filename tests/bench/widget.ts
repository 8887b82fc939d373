/**
 * The widget in Chromium against the real issuer on loopback, the way tests/e2e/widget.test.ts
 * starts them: over N page loads of the demo site (each in a fresh browser context, so the
 * HTTP cache is cold), the time from the widget module starting to run to `state="valid"`,
 * the requests the issuer served, the element's box and the page's layout shift, and then a
 * repeat view of the same page in the same context (within the cache lifetime).
 *
 *   npx tsx tests/bench/widget.ts [--loads 20] [--bundle FILE] [--baseline FILE] [--settle 1000] [--page demo|bare]
 *
 * --bundle: the widget to serve as /widget.js (default dist/widget/cluster-label.js).
 * --baseline: a second bundle, measured in turns with the first (A B B A …) on the same
 *   servers and browser, so a busy machine slows both alike; the ratio is printed.
 * --page bare: instead of the demo site, a page holding the embed snippet and nothing else
 *   (and the stylesheet rule that reserves the badge's box), so the host page's own first
 *   style and layout are not in the figures.
 * --settle: milliseconds a new window is left alone before the page is loaded (Chromium
 *   builds its own omnibox pages in it meanwhile, which would otherwise land in the figures).
 *
 * Last, the browser's own share alone in a fresh page: the first Intl date format, and
 * importing the issuer's key and verifying its token with WebCrypto.
 *
 * "Module start" is the first statement of the bundle, which is Lit's: it reads
 * `window.trustedTypes` (lit-html; a bundle with Lit's ReactiveElement reads `window.ShadyCSS`
 * first), and an init script's getter on each notes the time. `define` is the bundle's
 * call to `customElements.define('cluster-label')`, its last statement. Requests are counted
 * on the issuer's side, so an answer from the browser's HTTP cache does not count. The page
 * reports through the console: nothing of Playwright's runs in it until the verdict is in.
 */
import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemo } from '../../demo/serve.ts';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { freePort } from '../support/ports.ts';
import { startTestServer } from '../support/server.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '20' },
    bundle: { type: 'string', default: new URL('../../dist/widget/cluster-label.js', import.meta.url).pathname },
    baseline: { type: 'string' },
    settle: { type: 'string', default: '1000' },
    page: { type: 'string', default: 'demo' },
  },
});
const loads = Number(values.loads);
const settle = Number(values.settle);
const bundles = [values.bundle, ...(values.baseline ? [values.baseline] : [])].map((file) => ({ file, code: readFileSync(file) }));

const [issuerPort, demoPort, faultyPort] = [await freePort(), await freePort(), await freePort()];
const issuer = `http://localhost:${issuerPort}`;
const site = `http://localhost:${demoPort}`;
const server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuer } });
await seedDemo(server.registry, { sites: [site], now: server.now() });

// Every request the issuer answers, by path: the browser's cache hits never reach here.
let served: string[] = [];
let serving = bundles[0]!;
const issuerServer = serve({
  fetch: async (request) => {
    const path = new URL(request.url).pathname;
    served.push(path);
    const response = await server.app.fetch(request);
    if (path !== '/widget.js' || response.status !== 200) return response;
    // The issuer's own headers, with the bundle under test in place of the built one.
    const headers = new Headers(response.headers);
    headers.delete('ETag');
    headers.delete('Content-Length');
    return new Response(serving.code, { status: 200, headers });
  },
  port: issuerPort,
  hostname: '127.0.0.1',
});
if (values.page !== 'demo' && values.page !== 'bare') throw new Error('--page must be demo or bare');
const barePage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Badge</title>
<style>cluster-label:not(:defined) { display: inline-block; vertical-align: middle; box-sizing: border-box; width: 320px; height: 96px; overflow: hidden; }</style>
<script type="module" src="${issuer}/widget.js"></script>
<cluster-label cluster="demo-silver"><a href="${issuer}/clusters/demo-silver">Cluster Management Excellence Label — verify</a></cluster-label></html>`;
const bareSite = (): { close(): Promise<void> } => {
  const http = serve({
    fetch: (request) =>
      new URL(request.url).pathname === '/' ? new Response(barePage, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }) : new Response('plain text', { headers: { 'Content-Type': 'text/plain' } }),
    port: demoPort,
  });
  return { close: () => new Promise((resolve) => http.close(() => resolve())) };
};
const demo = values.page === 'bare' ? bareSite() : await startDemo({ issuerUrl: issuer, port: demoPort, faultyPort });
const browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });

const REPORT = 'cluster-label-bench';

/**
 * Installed before any page script: marks the module's start, the verdict, the box and layout
 * shifts, and logs them once the `valid` face has been drawn. A string, not a function: tsx
 * would wrap the function's inner names in a helper the page does not have.
 */
const probe = `(() => {
  const bench = { shift: 0, shifted: [] };
  const trustedTypes = window.trustedTypes;
  Object.defineProperty(window, 'ShadyCSS', { configurable: true, get: () => { bench.start ??= performance.now(); } });
  Object.defineProperty(window, 'trustedTypes', { configurable: true, get: () => { bench.start ??= performance.now(); return trustedTypes; } });
  const define = customElements.define.bind(customElements);
  customElements.define = (name, constructor, options) => {
    if (name === 'cluster-label') bench.define ??= performance.now();
    define(name, constructor, options);
  };
  const box = (element) => {
    const { width, height } = element.getBoundingClientRect();
    return width.toFixed(1) + '×' + height.toFixed(1);
  };
  // The element's box before it is defined, and in the first frame it is drawn, still loading.
  const watch = () => {
    const element = document.querySelector('cluster-label');
    if (element && !customElements.get('cluster-label')) bench.fallbackBox = box(element);
    if (element && element.getAttribute('state') === 'loading' && element.shadowRoot?.childElementCount) bench.loadingBox ??= box(element);
    if (!bench.valid) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  const answered = (part) => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.includes(part));
    return entry ? [entry.startTime, entry.responseEnd] : [NaN, NaN];
  };
  document.addEventListener('cluster-label-state', (event) => {
    if (event.detail.state !== 'valid' || bench.valid) return;
    bench.valid = performance.now();
    bench.token = answered('/attestation');
    bench.keys = answered('/jwks.json');
    // Two frames later the valid face is on screen and any shift it caused is recorded.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      bench.validBox = box(event.target);
      console.debug('${REPORT}', JSON.stringify(bench));
    }));
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      bench.shift += entry.value;
      // What moved: the element itself, or the page around it.
      for (const source of entry.sources ?? []) {
        const node = source.node;
        const name = node ? (node.nodeName + (node.className ? '.' + String(node.className).split(' ')[0] : '')).toLowerCase() : '?';
        if (!bench.shifted.includes(name)) bench.shifted.push(name);
      }
    }
  }).observe({ type: 'layout-shift', buffered: true });
})();`;

interface Probe {
  start?: number;
  define?: number;
  valid: number;
  token: [number, number];
  keys: [number, number];
  shift: number;
  shifted: string[];
  fallbackBox?: string;
  loadingBox?: string;
  validBox: string;
}

interface Result extends Probe {
  requests: string[];
}

async function view(page: Page): Promise<Result> {
  served = [];
  const report = page.waitForEvent('console', { predicate: (message) => message.text().startsWith(REPORT), timeout: 15_000 });
  await page.goto(`${site}/`, { waitUntil: 'commit' });
  const message = await report.catch(async (error: Error) => {
    const state = await page.evaluate(() => document.querySelector('cluster-label')?.getAttribute('state'));
    throw new Error(`${error.message} (state: ${state})`);
  });
  const probe = JSON.parse(message.text().slice(REPORT.length + 1)) as Probe;
  if (probe.start === undefined) throw new Error('The probe did not see the bundle start: does it still begin with Lit reading window.ShadyCSS or window.trustedTypes?');
  return { ...probe, requests: served.filter((path) => path !== '/widget.js') };
}

type Runs = { first: Result[]; repeat: Result[]; widgetRefetched: number };
const runs = new Map(bundles.map((bundle) => [bundle, { first: [], repeat: [], widgetRefetched: 0 } as Runs]));

async function load(bundle: (typeof bundles)[number], counted: boolean): Promise<void> {
  serving = bundle;
  const context: BrowserContext = await browser.newContext();
  await context.addInitScript(probe);
  const page = await context.newPage();
  // A new window builds the browser's own pages (its omnibox popup) for a while; let that
  // finish, so the figures hold the page's work only.
  await page.waitForTimeout(settle);
  const first = await view(page);
  const repeat = await view(page);
  const widgetRefetched = served.filter((path) => path === '/widget.js').length;
  await context.close();
  if (!counted) return;
  const run = runs.get(bundle)!;
  run.first.push(first);
  run.repeat.push(repeat);
  run.widgetRefetched += widgetRefetched;
}

/**
 * The browser's own share, alone in a fresh page on the demo origin: the first `Intl` date
 * format (the widget's dialog needs one; its badge does not), and importing the issuer's key
 * and verifying its genuine token with WebCrypto, as the widget does. A string for the same
 * reason as the probe.
 */
const floor = `(async ({ jwk, token }) => {
  const time = async (work) => { const start = performance.now(); await work(); return performance.now() - start; };
  const bytes = (part) => Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const intl = await time(() => new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(0));
  let key;
  const importKey = await time(async () => (key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])));
  const [header, payload, signature] = token.split('.');
  let ok;
  const verify = await time(async () => (ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes(signature), new TextEncoder().encode(header + '.' + payload))));
  if (!ok) throw new Error('the genuine token did not verify');
  return { intl, importKey, verify };
})`;
type Floor = { intl: number; importKey: number; verify: number };
const floors: Floor[] = [];

async function measureFloor(): Promise<void> {
  const token = await (await server.app.request('/v1/clusters/demo-silver/attestation')).text();
  const kid = (JSON.parse(atob(token.split('.')[0]!)) as { kid: string }).kid;
  const { keys } = (await (await server.app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.waitForTimeout(settle);
  // A plain text document on the demo origin: a secure context (localhost), no script in it.
  await page.goto(`${site}/${values.page === 'bare' ? 'text' : 'demo.css'}`);
  floors.push(await page.evaluate(`${floor}(${JSON.stringify({ jwk: keys.find((k) => k.kid === kid), token })})`));
  await context.close();
}

try {
  // The first two loads warm the server and the browser and are not counted.
  for (let i = 0; i < 2; i++) for (const bundle of bundles) await load(bundle, false);
  for (let i = 0; i < loads; i++) {
    // A B, then B A: neither bundle always goes first.
    for (const bundle of i % 2 ? [...bundles].reverse() : bundles) await load(bundle, true);
  }
  for (let i = 0; i < Math.min(loads, 10); i++) await measureFloor();
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
const ms = (n: number) => `${n.toFixed(1)} ms`;
const toValid = (r: Result) => r.valid - r.start!;

function describe(results: Result[]): string[] {
  const median = (pick: (r: Result) => number) => ms(quantile(results.map(pick), 0.5));
  const requests = results.map((r) => r.requests.length);
  const shift = Math.max(...results.map((r) => r.shift));
  const moved = [...new Set(results.flatMap((r) => r.shifted))];
  const boxes = [...new Set(results.map((r) => `${r.fallbackBox ?? '(defined before the first frame)'} → ${r.loadingBox ?? '?'} → ${r.validBox}`))];
  // A box not seen (defined, or already valid, before the first frame) cannot have changed.
  const steady = results.every((r) => [r.fallbackBox, r.loadingBox].every((box) => box === undefined || box === r.validBox));
  return [
    `module start → valid: median ${median(toValid)}, p95 ${ms(quantile(results.map(toValid), 0.95))}`,
    `  medians from module start: defined ${median((r) => r.define! - r.start!)}; token sent ${median((r) => r.token[0] - r.start!)}, answered ${median((r) => r.token[1] - r.start!)}; keys answered ${median((r) => r.keys[1] - r.start!)}`,
    `  issuer requests ${Math.min(...requests)}–${Math.max(...requests)} (${[...new Set(results.flatMap((r) => r.requests))].join(', ') || 'none'})`,
    `  layout: box before define → loading → valid ${boxes.join(' | ')} (${steady ? 'unchanged' : 'CHANGES'}); page layout shift max ${shift.toFixed(4)}${moved.length ? ` (moved: ${moved.join(', ')})` : ''} (${shift === 0 ? 'none' : 'SHIFTS'})`,
  ];
}

const bundleSize = (code: Buffer) => {
  const gzip = gzipSync(code, { level: 9 }).length;
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return `${code.length} B raw, ${(gzip / 1024).toFixed(2)} KB gzip -9, ${(brotli / 1024).toFixed(2)} KB brotli -q11`;
};

console.log(`widget benchmark — Chromium on loopback, ${loads} page loads of ${values.page === 'bare' ? 'a page with the embed snippet alone' : 'the demo site'} per bundle`);
for (const [bundle, run] of runs) {
  console.log(`${bundle.file}`);
  console.log(`  bundle        ${bundleSize(bundle.code)}`);
  console.log(describe(run.first).map((line, i) => (i ? '                ' : '  first view    ') + line).join('\n'));
  console.log(describe(run.repeat).map((line, i) => (i ? '                ' : '  repeat view   ') + line).join('\n'));
  console.log(`                widget.js fetched again on the repeat view ${run.widgetRefetched}×`);
}
const floorMedian = (pick: (f: Floor) => number) => ms(quantile(floors.map(pick), 0.5));
console.log(
  `browser alone, fresh page, median of ${floors.length}: first Intl date format ${floorMedian((f) => f.intl)}; ` +
    `WebCrypto importKey ${floorMedian((f) => f.importKey)}, verify ${floorMedian((f) => f.verify)}`,
);
if (values.baseline) {
  const [current, baseline] = [...runs.values()] as [Runs, Runs];
  const ratio = (pick: (r: Runs) => Result[]) => (quantile(pick(current).map(toValid), 0.5) / quantile(pick(baseline).map(toValid), 0.5)).toFixed(2);
  console.log(`median ratio bundle / baseline: first view ${ratio((r) => r.first)}, repeat view ${ratio((r) => r.repeat)}`);
}
