import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT } from '../../widget/fetch-issuer.ts';
import { FIRST_RETRY, MAX_RETRY } from '../../widget/schedule.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { recordStates, startLiveIssuer, trackFetches, type LiveIssuer, type PageFetch } from './live-issuer.ts';

/** How much page time past the request timeout the first `unavailable` may come: handling the failure and rendering. */
const MARGIN = 2_000;
/** The page time the retries are counted over, moved by the page clock in steps of {@link STEP}. */
const WINDOW = 20 * 60_000;
const STEP = 1_000;

/** The page times of the checks the retry schedule allows within `window`, the first at 0. */
function scheduledChecks(failsAfter: number, window: number): number[] {
  const times = [0];
  for (let failures = 1; ; failures++) {
    const next = times[times.length - 1]! + failsAfter + Math.min(FIRST_RETRY * 2 ** (failures - 1), MAX_RETRY);
    if (next > window) return times;
    times.push(next);
  }
}

/**
 * A badge whose issuer stops answering, in Chromium against the real issuer. Every time is the
 * page's own clock, stamped by the page as it makes a request or announces a state, so a slow
 * machine cannot stretch a measured pause: the first verdict as the clock runs, the retries over
 * twenty minutes that Playwright's page clock moves through (it drives the widget's timers and
 * its request time limit). The issuer's clock moves with the page's, so the token it signs on
 * its return is fresh.
 */
describe('the widget when its issuer hangs or is down', () => {
  let issuer: LiveIssuer;
  let browser: Browser;

  beforeAll(async () => {
    issuer = await startLiveIssuer();
    await issuer.labelled(['steady']);
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await issuer?.close();
  });

  const faults = [
    ['hang', 'accepts the connection and never answers', REQUEST_TIMEOUT],
    ['down', 'refuses the connection', 0],
  ] as const;

  for (const [mode, what, failsAfter] of faults) {
    it(`an issuer that ${what}: unavailable within 10 s, retries as the schedule allows, valid again on the retry after it returns`, async () => {
      const context = await browser.newContext();
      await context.clock.install({ time: issuer.now() });
      const page = await context.newPage();
      const states = await recordStates(page);
      const fetches = await trackFetches(page);
      // A visitor who has the widget script cached from an earlier page, as the issuer fails.
      await page.goto(issuer.pageUrl([]));
      await page.waitForFunction(() => customElements.get('cluster-label') !== undefined);
      await issuer.setMode(mode);

      const started = performance.now();
      await page.goto(issuer.pageUrl(['steady']));
      // A generous wait in real time; what is checked is the page's own time.
      await page.locator('cluster-label[state="unavailable"]').waitFor({ timeout: 6 * REQUEST_TIMEOUT });
      const realSeconds = (performance.now() - started) / 1000;
      const isCheck = (fetch: PageFetch) => fetch.path.endsWith('/attestation');
      const loadedAt = (await fetches.read()).sent.find(isCheck)!.at;
      await expect.poll(() => states.some((s) => s.state === 'unavailable')).toBe(true);
      const firstVerdict = states.find((s) => s.state === 'unavailable')!.at - loadedAt;
      expect(firstVerdict).toBeLessThanOrEqual(REQUEST_TIMEOUT + MARGIN);

      // A refused connection fails on its own, soon, and is waited for; a hanging one fails only
      // when the page clock reaches its time limit, so waiting for it would only slow the test.
      const settled = () => fetches.settled(mode === 'hang' ? 0 : undefined);
      let pageNow = await settled();
      while (pageNow - loadedAt < WINDOW) {
        await issuer.advance(STEP, [context]);
        pageNow = await settled();
      }
      const { sent } = await fetches.read();
      const seen = sent.filter(isCheck).map((r) => r.at - loadedAt);
      const allowed = scheduledChecks(failsAfter, WINDOW);
      expect(seen).toHaveLength(allowed.length);
      // Each pause is the scheduled one, give or take the clock's steps (a failure is handled up
      // to a step late): no burst, no tight loop.
      for (let i = 1; i < seen.length; i++) {
        const [gap, scheduled] = [seen[i]! - seen[i - 1]!, allowed[i]! - allowed[i - 1]!];
        expect(gap, `pause before check ${i}`).toBeGreaterThanOrEqual(scheduled - STEP);
        expect(gap, `pause before check ${i}`).toBeLessThanOrEqual(scheduled + 3 * STEP);
      }
      // A failed check asks for the keys and the log's key again, and for nothing else.
      expect(sent.filter((r) => r.path === '/.well-known/jwks.json')).toHaveLength(seen.length);
      expect(sent.filter((r) => r.path === '/v1/log')).toHaveLength(seen.length);
      expect(sent).toHaveLength(3 * seen.length);

      await issuer.setMode('up');
      const back = pageNow;
      const badge = page.locator('cluster-label');
      while ((await badge.getAttribute('state')) !== 'valid' && pageNow - back <= MAX_RETRY + 2 * STEP) {
        await issuer.advance(STEP, [context]);
        pageNow = await fetches.settled();
      }
      const recovered = pageNow - back;
      expect(await badge.getAttribute('state')).toBe('valid');
      expect((await fetches.read()).sent.filter(isCheck)).toHaveLength(seen.length + 1);
      await expect.poll(() => states.map((s) => s.state)).toEqual(['loading', 'unavailable', 'valid']);
      console.log(
        `[faults] issuer ${mode}: unavailable ${(firstVerdict / 1000).toFixed(2)} s of page time after the first check (limit ${REQUEST_TIMEOUT / 1000} s; ${realSeconds.toFixed(2)} s real time from navigation); ` +
          `${seen.length} checks in ${WINDOW / 60_000} min of page time, at +${seen.map((t) => Math.round(t / 1000)).join(', +')} s ` +
          `(schedule: +${allowed.map((t) => t / 1000).join(', +')} s); ${sent.length} fetches in all; ` +
          `valid again ${Math.round(recovered / 1000)} s of page time after the issuer returned`,
      );
      await context.close();
    });
  }
});
