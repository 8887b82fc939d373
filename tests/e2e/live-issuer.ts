import { getRequestListener } from '@hono/node-server';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { freePort } from '../support/ports.ts';
import { createTestCluster, startTestServer, type TestServer } from '../support/server.ts';

/**
 * What the issuer does with a request: `up` answers as the real issuer, `hang` accepts the
 * badge's requests and never answers them (the widget itself still loads), `down` is not
 * listening at all, so connections are refused.
 */
export type IssuerMode = 'up' | 'hang' | 'down';

/**
 * The real issuer on a loopback port, with a clock the browser's page clock can follow and a
 * switch for faults; a cluster website beside it on another origin, listed in every cluster
 * the tests create.
 */
export interface LiveIssuer {
  readonly origin: string;
  readonly server: TestServer;
  /** The time on the issuer's clock, ahead of real time by every `advance`; page clocks installed at it follow it. */
  now(): number;
  /** The issuer's and the given browser contexts' clocks move on by `ms`, timers firing on the way. */
  advance(ms: number, contexts: BrowserContext[]): Promise<void>;
  setMode(mode: IssuerMode): Promise<void>;
  /** Registers clusters that hold a Gold label and list the site. */
  labelled(ids: string[]): Promise<void>;
  /** A call to the admin API as an admin. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** A page of the site with one badge per cluster (none: the widget script alone). */
  pageUrl(clusters: string[]): string;
  close(): Promise<void>;
}

/** Stops listening and drops every connection, kept-alive ones included. */
const shut = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function startLiveIssuer(): Promise<LiveIssuer> {
  const [port, sitePort] = [await freePort(), await freePort()];
  const origin = `http://localhost:${port}`;
  const site = `http://localhost:${sitePort}`;
  // How far the issuer's clock runs ahead of real time.
  let offset = 0;
  const server = await startTestServer('sqlite', { env: { PUBLIC_URL: origin }, now: () => new Date(Date.now() + offset) });
  if (!server.widget.code) throw new Error('dist/widget/cluster-label.js is missing: run `npm run build` before the e2e tests.');
  const { secret } = await new ApiTokens(server.database, server.keyring, server.now).create('e2e', 'admin', 'test');

  let mode: IssuerMode = 'up';
  const hanging = new Set<ServerResponse>();
  const answer = getRequestListener(server.app.fetch);
  const issuer = createServer((request, response) => {
    if (mode === 'hang' && request.url !== '/widget.js') hanging.add(response);
    else void answer(request, response);
  });
  const listen = () => new Promise<void>((resolve) => issuer.listen(port, '127.0.0.1', resolve));
  const stop = async () => {
    await shut(issuer);
    hanging.clear();
  };
  await listen();

  const page = (clusters: string[]) =>
    `<!doctype html><html lang="en"><title>Cluster site</title><script type="module" src="${origin}/widget.js"></script>` +
    clusters.map((id) => `<cluster-label cluster="${id}" size="pill"><a href="${origin}/clusters/${id}">verify</a></cluster-label>`).join('') +
    '</html>';
  const siteServer = createServer((request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', site);
    if (pathname !== '/') return void response.writeHead(404).end();
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(page(searchParams.get('clusters')?.split(',').filter(Boolean) ?? []));
  });
  await new Promise<void>((resolve) => siteServer.listen(sitePort, '127.0.0.1', resolve));

  return {
    origin,
    server,
    now: () => Date.now() + offset,
    async advance(ms, contexts) {
      offset += ms;
      await Promise.all(contexts.map((context) => context.clock.runFor(ms)));
    },
    async setMode(next) {
      if (next === mode) return;
      if (mode === 'down') await listen();
      if (next === 'down') await stop();
      for (const response of hanging) response.destroy();
      hanging.clear();
      mode = next;
    },
    async labelled(ids) {
      for (const id of ids) {
        await createTestCluster(server, id, { sites: [site] });
        await server.registry.award(id, { level: 'gold' }, 'test');
      }
    },
    admin: (method, path, body) =>
      fetch(`${origin}/v1/admin${path}`, {
        method,
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    pageUrl: (clusters) => `${site}/?clusters=${clusters.join(',')}`,
    async close() {
      if (mode !== 'down') await stop();
      await shut(siteServer);
      await server.cleanup();
    },
  };
}

/** One `cluster-label-state` event: which element sent it (an id unique across reloads) and the state. */
export interface StateSeen {
  element: string;
  state: string;
  /** The page clock when the element announced it. */
  at: number;
}

/** Every badge state a page announces, across reloads, in the order they came. */
export async function recordStates(page: Page): Promise<StateSeen[]> {
  const seen: StateSeen[] = [];
  await page.exposeFunction('recordClusterLabelState', (event: StateSeen) => void seen.push(event));
  await page.addInitScript(() => {
    const record = (globalThis as unknown as { recordClusterLabelState: (event: StateSeen) => void }).recordClusterLabelState;
    const document_ = crypto.randomUUID();
    const elements = new WeakMap<EventTarget, string>();
    let count = 0;
    document.addEventListener('cluster-label-state', (event) => {
      const element = event.target as Element;
      if (!elements.has(element)) elements.set(element, `${document_}/${count++}`);
      record({ element: elements.get(element)!, state: event.detail.state, at: Date.now() });
    });
  });
  return seen;
}

/** The requests a page sends to the issuer, with the page time they left at. */
export function trackRequests(page: Page, issuer: LiveIssuer) {
  const origin = issuer.origin;
  const sent: { path: string; at: number }[] = [];
  const open = new Set<unknown>();
  page.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`)) return;
    sent.push({ path: new URL(request.url()).pathname, at: issuer.now() });
    open.add(request);
  });
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
  return {
    sent,
    count: (suffix: string) => sent.filter((r) => r.path.endsWith(suffix)).length,
    /**
     * Waits, up to `limit` ms of real time, until every request sent has its answer or its
     * failure: a busy machine must not turn a slow answer into a timeout on the page clock.
     */
    async settled(limit = 8_000): Promise<void> {
      for (const started = Date.now(); open.size > 0 && Date.now() - started < limit; ) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

/** One request the page's own code made with `fetch`: its path and the page-clock time it was made. */
export interface PageFetch {
  path: string;
  at: number;
}

/**
 * The requests the page's scripts make with `fetch`, as the page itself saw them: each stamped
 * with the page clock when it was made, and known to be open until it settles. Nothing here
 * depends on how fast events reach the test, so a loaded machine records the same times.
 */
export async function trackFetches(page: Page) {
  await page.addInitScript(() => {
    const log: Array<{ url: string; at: number; open: boolean }> = [];
    const original = globalThis.fetch;
    (globalThis as unknown as { fetchesSeen: typeof log }).fetchesSeen = log;
    globalThis.fetch = (input, init) => {
      const entry = { url: input instanceof Request ? input.url : String(input), at: Date.now(), open: true };
      log.push(entry);
      return original(input, init).finally(() => (entry.open = false));
    };
  });
  const read = () =>
    page.evaluate(() => {
      const log = (globalThis as unknown as { fetchesSeen?: Array<{ url: string; at: number; open: boolean }> }).fetchesSeen ?? [];
      return { now: Date.now(), open: log.filter((entry) => entry.open).length, sent: log.map(({ url, at }) => ({ path: new URL(url).pathname, at })) };
    });
  return {
    /** Every fetch so far, the page's time now, and how many are still open. */
    read,
    /** Waits, up to `limit` ms of real time, until no fetch is open; the page's time then. */
    async settled(limit = 8_000): Promise<number> {
      for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 5))) {
        const state = await read();
        if (state.open === 0 || Date.now() - started >= limit) return state.now;
      }
    },
  };
}

/**
 * Turns the browser's HTTP cache off for a page. The page clock moves the widget's timers and
 * its own key cache, but the HTTP cache keeps real time and would answer every re-check of a
 * test that skips minutes ahead with the first response.
 */
export async function withoutHttpCache(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
}

/** The states of every badge on the page once none is still loading. */
export async function settledStates(page: Page): Promise<(string | null)[]> {
  await page.waitForFunction(() => [...document.querySelectorAll('cluster-label')].every((e) => !['loading', null].includes(e.getAttribute('state'))));
  return page.locator('cluster-label').evaluateAll((elements) => elements.map((e) => e.getAttribute('state')));
}
