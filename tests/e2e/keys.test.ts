import { decodeJwt, decodeProtectedHeader } from 'jose';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_TYP } from '../../server/domain/claims.ts';
import { JWKS_MAX_AGE } from '../../server/keys/keyring.ts';
import { ATTESTATION_CONTENT_TYPE } from '../../server/routes/public.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { recordStates, settledStates, startLiveIssuer, trackRequests, withoutHttpCache, type LiveIssuer } from './live-issuer.ts';

/**
 * How far the clocks move at a time. Shorter than the widget's request time limit, and each
 * step waits for the requests it set off, so no request sees its limit pass in one jump.
 */
const STEP = 5_000;

/**
 * Key changes seen from pages left open, in Chromium against the real issuer. Playwright's
 * page clock moves the pages through minutes in seconds, and the issuer's clock moves with it.
 */
describe('the widget across key changes', () => {
  let issuer: LiveIssuer;
  let browser: Browser;

  beforeAll(async () => {
    issuer = await startLiveIssuer();
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await issuer?.close();
  });

  /** A visitor whose clock the test moves; the browser's HTTP cache is off (see withoutHttpCache). */
  async function visitor(): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.clock.install({ time: issuer.now() });
    return context;
  }

  /** A page of badges, with every state it announces, every request it sends, and the kid of every token it receives. */
  async function open(context: BrowserContext, clusters: string[]) {
    const page = await context.newPage();
    await withoutHttpCache(page);
    const states = await recordStates(page);
    const requests = trackRequests(page, issuer);
    const kids: string[] = [];
    page.on('response', async (response) => {
      if (response.url().endsWith('/attestation') && response.status() === 200) kids.push(decodeProtectedHeader(await response.text()).kid!);
    });
    await page.goto(issuer.pageUrl(clusters));
    return { page, states, requests, kids };
  }

  it('after an emergency revocation, an open page stays valid on the new key and refuses the revoked key within the key set’s max-age', async () => {
    await issuer.labelled(['kept']);
    const context = await visitor();
    const { page, states, requests, kids } = await open(context, ['kept']);
    expect(await settledStates(page)).toEqual(['valid']);
    const keysFetchedAt = requests.sent.find((r) => r.path === '/.well-known/jwks.json')!.at;
    const compromised = issuer.server.keyring.currentKid!;
    // Whoever has the compromised key mints tokens with it: this one lives two hours, so only
    // the page's key set, not the token's expiry, can end its acceptance.
    const served = await (await fetch(`${issuer.origin}/v1/clusters/kept/attestation`)).text();
    const claims = decodeJwt(served);
    const minted = await issuer.server.keyring.signToken({ ...claims, exp: claims.iat! + 7_200, jti: crypto.randomUUID() }, ATTESTATION_TYP);
    expect(minted.kid).toBe(compromised);

    await issuer.advance(STEP, [context]);
    const revocation = await issuer.admin('POST', `/keys/${compromised}/revoke`);
    expect(revocation.status).toBe(200);
    const { signingKid } = (await revocation.json()) as { signingKid: string };
    const revokedAt = issuer.now();

    // The minted token is offered to the page (by a cache or an attacker in the path): each probe
    // is a badge added to the open page, checked with the page's key cache.
    const offerMinted = (to: BrowserContext) =>
      to.route(`${issuer.origin}/v1/clusters/kept/attestation`, (route) =>
        route.fulfill({ status: 200, headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': ATTESTATION_CONTENT_TYPE }, body: minted.token }),
      );
    await offerMinted(context);
    const probe = () =>
      page.evaluate(async () => {
        const badge = document.createElement('cluster-label');
        badge.setAttribute('cluster', 'kept');
        const state = new Promise<string>((resolve) =>
          badge.addEventListener('cluster-label-state', (event) => event.detail.state !== 'loading' && resolve(event.detail.state)),
        );
        document.body.append(badge);
        const result = await state;
        badge.remove();
        return result;
      });
    const probes: { after: number; state: string }[] = [];
    while (!probes.some((p) => p.state === 'invalid') && issuer.now() - keysFetchedAt < 2 * JWKS_MAX_AGE * 1000) {
      probes.push({ after: issuer.now() - revokedAt, state: await probe() });
      await issuer.advance(STEP, [context]);
      await requests.settled();
    }
    const refusedAfter = probes.find((p) => p.state === 'invalid')?.after;
    const acceptedUntil = probes.filter((p) => p.state === 'valid').at(-1)?.after ?? 0;
    // Refused in the end, and never accepted later than the key set's max-age after the page
    // fetched it (give or take a step). The last acceptance bounds it whatever the machine's
    // speed; the first refusal comes a probe later, and probes are sparser on a slow machine.
    expect(refusedAfter).toBeDefined();
    expect(acceptedUntil + revokedAt - keysFetchedAt).toBeLessThanOrEqual(JWKS_MAX_AGE * 1000 + STEP);
    for (const p of probes) expect(p.state, `${p.after} ms after`).toBe(p.after < refusedAfter! ? 'valid' : 'invalid');

    // A page opened after the revocation refuses the minted token at once.
    const later = await visitor();
    await offerMinted(later);
    const fresh = await open(later, ['kept']);
    expect(await settledStates(fresh.page)).toEqual(['invalid']);
    await later.close();

    // The open page's own badge re-checks before its token expires: the new key, still valid.
    await context.unrouteAll();
    while (!kids.includes(signingKid) && issuer.now() - keysFetchedAt < 600_000) {
      await issuer.advance(STEP, [context]);
      await requests.settled();
    }
    // Every token before was the compromised key's: the page's own first one and the minted one the probes got.
    expect(new Set(kids)).toEqual(new Set([compromised, signingKid]));
    expect(kids.at(-1)).toBe(signingKid);
    expect(await page.locator('cluster-label').getAttribute('state')).toBe('valid');
    // The page's own badge announced nothing after its first `valid`: it never left it.
    expect(states.filter((s) => s.element === states[0]!.element).map((s) => s.state)).toEqual(['loading', 'valid']);
    console.log(
      `[keys] emergency revocation: the minted token was accepted by the open page until +${Math.round(acceptedUntil / 1000)} s and refused from +${Math.round(refusedAfter! / 1000)} s after the revocation ` +
        `(the page fetched its keys ${Math.round((revokedAt - keysFetchedAt) / 1000)} s before it; JWKS max-age ${JWKS_MAX_AGE} s, probes every ${STEP / 1000} s); ` +
        `a page opened after the revocation refused it at once; the open page's own badge re-checked at +${Math.round((requests.sent.filter((r) => r.path.endsWith('/attestation')).at(-1)!.at - revokedAt) / 1000)} s on the new key: valid`,
    );
    await context.close();
  });

  it('a rotation through both steps while 60 badges on three pages re-check, two pages left open and one reloaded: every check valid', async () => {
    const clusters = Array.from({ length: 20 }, (_, i) => `rotating-${i + 1}`);
    await issuer.labelled(clusters);
    const context = await visitor();
    const pages = [await open(context, clusters), await open(context, clusters), await open(context, clusters)];
    for (const { page } of pages) expect(await settledStates(page)).toEqual(clusters.map(() => 'valid'));
    const oldKid = issuer.server.keyring.currentKid!;
    const checks = () => pages.reduce((sum, p) => sum + p.requests.count('/attestation'), 0);
    const phases: Record<string, number> = {};
    const phaseEnds = (name: string) => (phases[name] = checks() - Object.values(phases).reduce((a, b) => a + b, 0));

    // Thirty minutes of page time: a minute in, a next key is published; it is activated as soon
    // as the issuer allows. Two pages stay open and re-check on their
    // own schedule; the third reloads every 90 s, each time a new page view with no keys cached.
    const MINUTES = 30;
    let activateAfter = Infinity;
    let newKid = '';
    for (let step = 1; step <= (MINUTES * 60_000) / STEP; step++) {
      const now = issuer.now();
      if (step * STEP === 60_000) {
        phaseEnds('before the rotation');
        const published = (await (await issuer.admin('POST', '/keys/rotate', {})).json()) as { step: string; kid: string; activateAfter: string };
        expect(published.step).toBe('published');
        activateAfter = Date.parse(published.activateAfter);
        newKid = published.kid;
      } else if (now >= activateAfter && !phases['next key published']) {
        phaseEnds('next key published');
        expect(await (await issuer.admin('POST', '/keys/rotate', {})).json()).toMatchObject({ step: 'activated', kid: newKid });
      }
      if ((step * STEP) % 90_000 === 0) await pages[0]!.page.reload();
      await issuer.advance(STEP, [context]);
      for (const { requests } of pages) await requests.settled();
    }
    phaseEnds('new key signing');
    for (const { page } of pages) expect(await settledStates(page)).toEqual(clusters.map(() => 'valid'));

    // Every element on every page load: loading, then valid, and nothing else ever.
    const states = pages.flatMap((p) => p.states);
    const byElement = new Map<string, string[]>();
    for (const { element, state } of states) byElement.set(element, [...(byElement.get(element) ?? []), state]);
    for (const [element, seen] of byElement) expect(seen, element).toEqual(['loading', 'valid']);
    const kids = pages.flatMap((p) => p.kids);
    expect(new Set(kids)).toEqual(new Set([oldKid, newKid]));
    // The retired key has left the key set by now; the badges went on verifying.
    const published = (await (await fetch(`${issuer.origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toEqual([newKid]);
    for (const phase of Object.values(phases)) expect(phase).toBeGreaterThan(0);
    const keyFetches = pages.reduce((sum, p) => sum + p.requests.count('/jwks.json'), 0);
    // Besides the page views, the badges left open re-checked, each more than once.
    const rechecks = checks() - byElement.size;
    expect(rechecks).toBeGreaterThanOrEqual(2 * 2 * clusters.length);
    console.log(
      `[keys] rotation with 3 pages × 20 badges over ${MINUTES} min of page time, two left open, one reloaded every 90 s: ${checks()} checks ` +
        `(${Object.entries(phases).map(([name, n]) => `${n} ${name}`).join(', ')}): ${byElement.size} badge views and ${rechecks} re-checks of open badges; ` +
        `${states.length} state events, none but loading → valid; tokens by the old key ${kids.filter((k) => k === oldKid).length}, by the new ${kids.filter((k) => k === newKid).length}; ${keyFetches} key-set fetches`,
    );
    await context.close();
  });
});
