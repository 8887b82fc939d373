import { serve, type ServerType } from '@hono/node-server';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { createTestCluster, startTestServer, type TestServer } from '../support/server.ts';
import { createUser, PASSWORD } from '../server/console-client.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe: Server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

describe('console in Chromium', () => {
  let server: TestServer;
  let issuer: ServerType;
  let site: ReturnType<typeof createHttpServer>;
  let browser: Browser;
  let issuerUrl: string;
  let siteUrl: string;

  beforeAll(async () => {
    const [issuerPort, sitePort] = [await freePort(), await freePort()];
    issuerUrl = `http://127.0.0.1:${issuerPort}`;
    siteUrl = `http://127.0.0.1:${sitePort}`;
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuerUrl } });
    if (!server.widget.code) throw new Error('The widget is not built: run npx vite build (npm test does) before the browser tests.');
    issuer = serve({ fetch: server.app.fetch, port: issuerPort, hostname: '127.0.0.1' });
    // The cluster's own website, with the snippet pasted in as the console shows it.
    site = createHttpServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><title>Rhône Digital Health</title><body>
        <script type="module" src="${issuerUrl}/widget.js"></script>
        <cluster-label cluster="demo-unlabelled"><a href="${issuerUrl}/clusters/demo-unlabelled">verify</a></cluster-label></body></html>`);
    }).listen(sitePort, '127.0.0.1');
    await createTestCluster(server, 'demo-unlabelled', { name: 'Rhône Digital Health Cluster', sites: [siteUrl] });
    await createUser(server, 'officer@office.test', 'officer');
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await new Promise((resolve) => issuer?.close(resolve));
    await server?.cleanup();
  });

  it('signs in, awards a label, and the cluster’s badge turns valid', async () => {
    const page = await browser.newPage();
    // CSP violations and failed loads show up as console errors; the browser's own favicon probe is the one 404 expected.
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(message.text());
    });

    await page.goto(`${issuerUrl}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.getByLabel('E-mail').fill('officer@office.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');

    // The badge before: registered, no label.
    const before = await browser.newPage();
    await before.goto(siteUrl);
    await before.waitForSelector('cluster-label[state="unknown"]', { timeout: 15_000 });
    await before.close();

    await page.getByRole('link', { name: 'Clusters', exact: true }).click();
    await page.getByLabel('Search by name or id').fill('rhône');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Rhône Digital Health Cluster' }).click();
    const award = page.locator('form[action$="/award"]');
    await award.locator('select[name=level]').selectOption('silver');
    await award.locator('input[name=assessmentRef]').fill('E2E-1');
    await award.getByRole('button', { name: 'Award' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The label is awarded.');
    expect(await server.registry.getCurrentLabel('demo-unlabelled')).toMatchObject({ level: 'silver', status: 'valid', assessmentRef: 'E2E-1' });

    // The same snippet, loaded afresh, now shows the held label.
    const after = await browser.newPage();
    await after.goto(siteUrl);
    await after.waitForSelector('cluster-label[state="valid"]', { timeout: 15_000 });
    await after.close();
    // The console runs under a strict CSP without a single script: nothing may have been blocked or failed.
    expect(errors).toEqual([]);
  });
});
