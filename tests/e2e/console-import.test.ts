import { readFileSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { freePort } from '../support/ports.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createUser, PASSWORD } from '../server/console-client.ts';

const WITH_ERRORS = [
  'Name;www;Label valid until;Level',
  'Nordlicht Photonics Cluster;www.nordlicht.example;2027-03-31;silver',
  'Tejo Maritime Cluster;tejo.example;2027-13-01;gold',
  ';;;',
  'Alpenhof Food Valley;;;',
].join('\r\n');
const FIXED = WITH_ERRORS.replace('2027-13-01', '2027-12-31').replace(';;;\r\n', '');

/** An officer imports a register in Chromium: a file with refused lines, its preview, the fixed file, the confirmation; then an export. */
describe('console import and export in Chromium', () => {
  let server: TestServer;
  let issuer: ServerType;
  let browser: Browser;
  let issuerUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    issuerUrl = `http://localhost:${port}`;
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuerUrl } });
    issuer = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
    await createUser(server, 'officer@office.test', 'officer');
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => issuer?.close(resolve));
    await server?.cleanup();
  });

  it('uploads a file with refused lines, shows them, takes the fixed file, confirms, and exports', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(message.text());
    });
    await page.goto(`${issuerUrl}/admin/sign-in`);
    await page.getByLabel('E-mail').fill('officer@office.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');

    await page.getByRole('link', { name: 'Import / export' }).click();
    const upload = async (text: string) => {
      await page.getByLabel('Country for rows without one').fill('DE');
      await page.getByLabel('CSV file').setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      // The page reloads itself while the file is checked.
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Import of register.csv');
    };

    await upload(WITH_ERRORS);
    const refused = page.getByRole('table').last();
    await expect.poll(() => page.getByRole('heading', { name: /Refused lines/ }).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole('heading', { name: /Refused lines/ }).textContent()).toBe('Refused lines (2)');
    expect(await refused.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^3\s+"2027-13-01" is not a date/), '4\tthe name is empty']);
    expect(await page.locator('.cards').innerText()).toMatch(/2\s+clusters to be created/);
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Upload the corrected file' }).click();
    await upload(FIXED);
    const confirm = page.getByRole('button', { name: 'Import 3 rows' });
    await expect.poll(() => confirm.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('.cards').innerText()).toMatch(/3\s+clusters to be created/);
    expect(await server.registry.getCluster('nordlicht-photonics-cluster')).toBeUndefined();
    await confirm.click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toBe('The file is imported, and recorded in the audit log as one entry.');
    expect(await server.registry.getCurrentLabel('tejo-maritime-cluster')).toMatchObject({ level: 'gold', validUntil: '2027-12-31' });
    expect((await server.registry.audit({ limit: 1 }))[0]).toMatchObject({ action: 'register.import', after: { counts: { created: 3, labelled: 2 } } });

    await page.getByRole('link', { name: 'Import / export' }).click();
    await page.getByRole('combobox', { name: 'Level', exact: true }).selectOption('gold');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^register-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(lines).toEqual(['Id,Name,Organisation,Country,Comparative portfolio,www,Level,Label valid until,Status', 'tejo-maritime-cluster,Tejo Maritime Cluster,,DE,,https://tejo.example,gold,2027-12-31,valid']);
    // No script, a strict CSP: nothing may have been blocked or failed.
    expect(errors).toEqual([]);
    await context.close();
  });
});
