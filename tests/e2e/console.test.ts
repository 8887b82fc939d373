import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../support/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/serve.ts';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createUser, PASSWORD } from '../server/console-client.ts';


/** The office's console and the demo cluster site, each on its own loopback origin, against one real issuer. */
describe('console in Chromium', () => {
  let server: TestServer;
  let issuer: ServerType;
  let demo: Demo;
  let browser: Browser;
  let issuerUrl: string;
  let galleryUrl: string;

  beforeAll(async () => {
    const [issuerPort, demoPort, faultyPort] = [await freePort(), await freePort(), await freePort()];
    issuerUrl = `http://localhost:${issuerPort}`;
    galleryUrl = `http://localhost:${demoPort}/gallery`;
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuerUrl } });
    if (!server.widget.code) throw new Error('The widget is not built: run npx vite build (npm test does) before the browser tests.');
    await seedDemo(server.registry, { sites: [`http://localhost:${demoPort}`], now: server.now() });
    issuer = serve({ fetch: server.app.fetch, port: issuerPort, hostname: '127.0.0.1' });
    demo = await startDemo({ issuerUrl, port: demoPort, faultyPort });
    await createUser(server, 'officer@office.test', 'officer');
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
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
    await before.goto(galleryUrl);
    await before.waitForSelector('cluster-label[cluster="demo-unlabelled"][state="unknown"]', { timeout: 60_000 });
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

    // The demo site, loaded afresh, now shows the held label.
    const after = await browser.newPage();
    await after.goto(galleryUrl);
    await after.waitForSelector('cluster-label[cluster="demo-unlabelled"][state="valid"]', { timeout: 60_000 });
    await after.close();
    // The console runs under a strict CSP without a single script: nothing may have been blocked or failed.
    expect(errors).toEqual([]);
  });
});
