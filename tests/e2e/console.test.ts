import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../support/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/serve.ts';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createUser, PASSWORD } from '../server/console-client.ts';
import { seedRegister } from '../bench/register.ts';


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
    // A register large enough to page through: a few thousand fictional clusters by direct insert.
    await seedRegister(server.database, 3000, server.now());
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
    await page.getByRole('button', { name: 'Show' }).click();
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

  it('pages through a large register with sorts and filters, each state its own address', async () => {
    const page = await signedInPage();
    await page.goto(`${issuerUrl}/admin/clusters`);
    await page.locator('select[name=sort]').selectOption('level');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(new URL(page.url()).searchParams.get('sort')).toBe('level');
    expect(await page.getByRole('status').textContent()).toMatch(/^3,0\d\d clusters match\.$/);
    // Gold first, 50 a page; the next pages go on in the same order, by cursor.
    const levels = () => page.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(await levels()).toEqual(Array(50).fill('Gold'));
    const seen = new Set(await page.locator('tbody tr td:nth-child(2)').allTextContents());
    for (let i = 0; i < 3; i++) {
      await page.getByRole('link', { name: 'Next page' }).click();
      expect(new URL(page.url()).searchParams.get('after')).toBeTruthy();
      const ids = await page.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(ids).toHaveLength(50);
      for (const id of ids) seen.add(id);
    }
    expect(seen.size).toBe(200);

    // A work queue with a country: the address holds the whole state, and opening it again shows the same list.
    await page.locator('select[name=queue]').selectOption('withdrawal');
    await page.locator('select[name=country]').selectOption('DE');
    await page.getByRole('button', { name: 'Show' }).click();
    const address = page.url();
    expect(new URL(address).searchParams.get('queue')).toBe('withdrawal');
    expect(new URL(address).searchParams.get('country')).toBe('DE');
    expect(new URL(address).searchParams.get('after')).toBeNull();
    const statuses = await page.locator('tbody tr td:nth-child(5)').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['Expired']));
    const countries = new Set(await page.locator('tbody tr td:nth-child(3)').allTextContents());
    expect(countries).toEqual(new Set(['Germany']));
    const again = await browser.newPage();
    await again.context().addCookies(await page.context().cookies());
    await again.goto(address);
    expect(await again.locator('tbody th a').allTextContents()).toEqual(await page.locator('tbody th a').allTextContents());
    await again.close();
    await page.close();
  });

  it('shows a stale form as a conflict and changes nothing; renews only after a second look', async () => {
    const page = await signedInPage();
    await page.goto(`${issuerUrl}/admin/clusters/bench-000007/edit`);
    const before = (await server.registry.getCluster('bench-000007'))!;
    await page.locator('input[name=name]').fill('Renamed in the console');
    // Meanwhile a colleague changes the cluster through the API.
    await server.registry.updateCluster('bench-000007', { portfolio: 'Changed by the API' }, 'token:crm');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Changed meanwhile: nothing was saved');
    expect(await page.locator('table.compare').textContent()).toContain('Changed by the API');
    expect(await server.registry.getCluster('bench-000007')).toMatchObject({ name: before.name, portfolio: 'Changed by the API' });

    // A valid label: renew shows the old and the new end before it does anything.
    const valid = await server.database.db.selectFrom('clusters').select('id').where('label_status', '=', 'valid').where('label_valid_until', '>', '2027-01-01').orderBy('id').executeTakeFirstOrThrow();
    const label = (await server.registry.getCurrentLabel(valid.id))!;
    await page.goto(`${issuerUrl}/admin/clusters/${valid.id}`);
    const renew = page.locator('form[action$="/renew"]');
    await renew.locator('input[name=assessmentRef]').fill('E2E-R');
    await renew.getByRole('button', { name: 'Renew…' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Renew the label of /);
    const table = await page.locator('table.compare').textContent();
    const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    expect(table).toContain(longDate(label.validUntil));
    expect(await server.registry.getCurrentLabel(valid.id)).toMatchObject({ validUntil: label.validUntil });
    await page.getByRole('button', { name: 'Yes, renew the label' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('The label is renewed.');
    const renewed = (await server.registry.getCurrentLabel(valid.id))!;
    expect(renewed.validUntil > label.validUntil).toBe(true);
    expect(await page.locator('ul.changes').first().textContent()).toContain(`renewed: ${longDate(label.validUntil)} → ${longDate(renewed.validUntil)}`);
    await page.close();
  });

  it('keeps the dashboard to one screen at 1280 × 800: the counts, and each work queue its next ten at most', async () => {
    const page = await signedInPage();
    // In German too, whose words are longer.
    for (const lang of ['de', 'en']) {
      await page.goto(`${issuerUrl}/admin?lang=${lang}`);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height, `the dashboard (${lang}) is ${height} px tall`).toBeLessThanOrEqual(800);
    }
    const queues = page.locator('.queues section');
    expect(await queues.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const items = await queues.nth(i).locator('li').count();
      expect(items).toBeLessThanOrEqual(10);
    }
    // A full queue links to all of it: the cluster list, filtered by that queue.
    const all = page.locator('.queues section a.all').first();
    await all.click();
    expect(new URL(page.url()).searchParams.get('queue')).toBeTruthy();
    await page.close();
  });

  async function signedInPage() {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${issuerUrl}/admin/sign-in`);
    await page.getByLabel('E-mail').fill('officer@office.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    // The navigation fits on one line at 1280 px.
    const nav = page.locator('header.bar nav').first();
    expect((await nav.boundingBox())!.height).toBeLessThan(40);
    return page;
  }
});
