import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkCluster } from '../../widget/check.ts';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import type { LabelState } from '../../widget/verify/state.ts';
import { BUNDLED, FULL_NAMES } from '../../widget/view/i18n.ts';
import { CLUSTER_FOR, kompassIssuerWithEveryState, STATES } from './every-state.ts';
import { defineFor, FakeIssuer, KOMPASS_SCHEME, kompassLabel, makeKey, mount, shadow } from './fake-issuer.ts';

let issuer: FakeIssuer;
let tag: string;

beforeAll(async () => {
  issuer = await kompassIssuerWithEveryState();
  tag = defineFor(issuer.env());
});

afterEach(() => document.body.replaceChildren());

/** Mounts a Kompass badge; a `loading` one is only waited for until it has rendered. */
async function badge(state: LabelState, attributes: Record<string, string> = {}): Promise<ClusterLabel> {
  const all = { cluster: CLUSTER_FOR[state], scheme: 'kompass', ...attributes };
  if (state !== 'loading') return mount(tag, all);
  const element = document.createElement(tag) as ClusterLabel;
  for (const [name, value] of Object.entries(all)) element.setAttribute(name, value);
  document.body.append(element);
  await element.updateComplete;
  return element;
}

const faceText = (element: ClusterLabel) => shadow(element).querySelector('.badge')!.textContent!.replace(/\s+/g, ' ').trim();
/** What the face shows on screen (without what only a printout shows). */
const shownText = (element: ClusterLabel) => shadow(element).querySelector<HTMLElement>('.badge')!.innerText.replace(/\s+/g, ' ').trim();
const sealOf = (element: ClusterLabel) => shadow(element).querySelector('.badge svg.seal')!;
const box = (element: Element) => {
  const { width, height } = element.getBoundingClientRect();
  return { width, height };
};

function openDialog(element: ClusterLabel): HTMLDialogElement {
  shadow(element).querySelector<HTMLButtonElement>('button.badge')!.click();
  return shadow(element).querySelector('dialog')!;
}

/** The dialog's facts, term by term. */
function facts(dialog: HTMLDialogElement): Record<string, string> {
  return Object.fromEntries([...dialog.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]));
}

/** A fresh issuer whose one cluster `c` publishes `patch`, and a Kompass verdict for it. */
async function kompassVerdict(patch: Record<string, unknown>, prepare: (issuer: FakeIssuer) => void = () => {}) {
  const own = await FakeIssuer.create();
  prepare(own);
  await own.publish('c', patch);
  return { issuer: own, verdict: await checkCluster(own.env(), 'c', 'kompass') };
}

describe('scheme="kompass": every state in every theme and size', () => {
  for (const theme of ['light', 'dark']) {
    for (const size of ['pill', 'card', 'seal']) {
      test(`${theme} ${size}: each state renders in the box of loading and reads differently`, async () => {
        const texts = new Map<string, LabelState>();
        const loading = box(await badge('loading', { theme, size }));
        for (const state of STATES) {
          const element = await badge(state, { theme, size });
          expect(element.getAttribute('state')).toBe(state);
          expect(box(element)).toEqual(loading);
          const text = faceText(element);
          expect(texts.get(text), `"${text}" is shared by ${state} and ${texts.get(text)}`).toBeUndefined();
          texts.set(text, state);
          expect(shadow(element).querySelector('.mark svg')).not.toBeNull();
        }
      });
    }
  }

  test('only valid, expired and revoked draw the membership; never the ECEI Silver every cluster also holds', async () => {
    for (const state of STATES) {
      const element = await badge(state);
      const held = ['valid', 'expired', 'revoked'].includes(state);
      expect(sealOf(element).classList.contains('scheme'), state).toBe(held);
      expect(shadow(element).querySelector('.level')?.textContent ?? '', state).toBe(held ? 'Member' : '');
      expect(faceText(element), state).not.toMatch(/Silver|Cluster Management Excellence/);
    }
    const revoked = await badge('revoked');
    expect(getComputedStyle(shadow(revoked).querySelector('.level')!).textDecorationLine).toBe('line-through');
    expect(shadow(revoked).querySelector('.strike')).not.toBeNull();
  });

  test('the card names the scheme, in the badge language; the seal is drawn in the level colour with its emblem', async () => {
    const valid = await badge('valid');
    expect(shownText(valid)).toBe('Kompass Cluster Network Member Valid until 31 May 2027');
    const seal = sealOf(valid);
    expect(seal.getAttribute('color')).toBe('#1f5f8b');
    expect(getComputedStyle(seal.querySelector('.rim')!).fill).toBe('rgb(31, 95, 139)');
    expect(seal.querySelectorAll('.emblem')).toHaveLength(1);
    expect(seal.querySelector('path.emblem')).not.toBeNull();
    expect(seal.querySelector('.star')).toBeNull();
    expect(shownText(await badge('valid', { lang: 'de' }))).toBe('Kompass-Clusternetzwerk Mitglied Gültig bis 31.05.2027');
    // A language the scheme has no word for takes English.
    expect(shownText(await badge('valid', { lang: 'pl' }))).toMatch(/^Kompass Cluster Network Member /);
  });

  test('a `stars` emblem draws as many stars as the level stands high, up to three, in its colour', async () => {
    const own = await FakeIssuer.create();
    const level = (id: string, colour: string) => ({ id, name: { en: id }, seal: { colour, emblem: 'stars' } });
    own.schemes = [{ id: 'tiers', name: { en: 'Tiers' }, levels: [level('one', '#112233'), level('two', '#223344'), level('three', '#334455'), level('four', '#445566')] }];
    const ownTag = defineFor(own.env());
    for (const [id, stars, colour] of [['one', 1, '#112233'], ['three', 3, '#334455'], ['four', 3, '#445566']] as const) {
      await own.publish(`c-${id}`, { labels: [kompassLabel({ scheme: 'tiers', level: id })] });
      const seal = sealOf(await mount(ownTag, { cluster: `c-${id}`, scheme: 'tiers' }));
      expect(seal.querySelectorAll('.star'), id).toHaveLength(stars);
      expect(seal.getAttribute('color'), id).toBe(colour);
    }
  });

  test('the dialog names the scheme, the level and who awards it', async () => {
    const t = BUNDLED.en;
    const dialog = openDialog(await badge('revoked'));
    expect(facts(dialog)).toMatchObject({
      [t.label]: 'Kompass Cluster Network – Member',
      [t.steps.issuer]: 'Kompass Programme Office',
      [t.revokedAt]: '2 May 2025',
      [t.reason]: 'Membership ended.',
    });
    expect(dialog.querySelector('.seal')!.getAttribute('color')).toBe('#1f5f8b');
    expect(dialog.textContent).not.toContain(FULL_NAMES.silver);
  });

  test('the event carries the whole verified claims, ECEI label included', async () => {
    const seen: unknown[] = [];
    const listener = (event: GlobalEventHandlersEventMap['cluster-label-state']) => seen.push(event.detail.claims);
    document.addEventListener('cluster-label-state', listener);
    try {
      await badge('valid');
    } finally {
      document.removeEventListener('cluster-label-state', listener);
    }
    expect(seen.at(-1)).toMatchObject({ label: { status: 'valid', level: 'silver' }, labels: [{ scheme: 'ecei' }, kompassLabel()] });
  });

  test('axe-core finds nothing in either theme, dialog open or not', async () => {
    const run = async () => {
      await Promise.all([...document.querySelectorAll<ClusterLabel>(tag)].flatMap((b) => shadow(b).getAnimations().map((a) => a.finished)));
      return (await axe.run(document.body, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })).violations.map((v) => v.id);
    };
    for (const theme of ['light', 'dark']) {
      for (const state of STATES) for (const size of ['pill', 'card', 'seal']) await badge(state, { theme, size });
      expect(await run(), theme).toEqual([]);
      document.body.replaceChildren();
      const dialog = openDialog(await badge('valid', { theme }));
      expect(await run(), theme).toEqual([]);
      dialog.close();
    }
  });
});

describe('the scheme attribute', () => {
  test('absent or ecei reads `label` exactly as before, and asks for no scheme list', async () => {
    const own = await kompassIssuerWithEveryState();
    const ownTag = defineFor(own.env());
    for (const scheme of [undefined, 'ecei']) {
      const element = await mount(ownTag, { cluster: CLUSTER_FOR.unknown, ...(scheme && { scheme }) });
      expect(element.getAttribute('state')).toBe('valid');
      expect(shownText(element)).toBe('Cluster Management Excellence Silver Valid until 31 Mar 2026');
      expect(sealOf(element).classList.contains('silver')).toBe(true);
      expect(sealOf(element).hasAttribute('color')).toBe(false);
    }
    expect(own.requests.filter((r) => r.url.endsWith('/v1/schemes'))).toEqual([]);
  });

  test('a change of scheme checks again from loading', async () => {
    const element = await mount(tag, { cluster: CLUSTER_FOR.unknown });
    expect(element.getAttribute('state')).toBe('valid');
    element.setAttribute('scheme', 'kompass');
    await element.updateComplete;
    expect(element.getAttribute('state')).toBe('loading');
    await expect.poll(() => element.getAttribute('state')).toBe('unknown');
    expect(faceText(element)).toMatch(/^Kompass Cluster Network No label found/);
  });

  test('a scheme the issuer does not list is unknown, named as the attribute says', async () => {
    const element = await mount(tag, { cluster: CLUSTER_FOR.valid, scheme: 'eucles' });
    expect(element.getAttribute('state')).toBe('unknown');
    expect(faceText(element)).toMatch(/^eucles No label found/);
    expect(await checkCluster(issuer.env(), CLUSTER_FOR.valid, 'eucles')).toMatchObject({ state: 'unknown', code: 'ERR_SCHEME_UNKNOWN', claims: null });
  });

  test('the scheme list is asked for beside the token and the keys, as they are, and shared while its max-age allows', async () => {
    const own = await kompassIssuerWithEveryState();
    const serve = own.schemesRoute;
    let tokenAskedFirst = false;
    own.schemesRoute = async (url, init) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tokenAskedFirst = own.requests.some((r) => r.url.endsWith('/attestation'));
      return serve(url, init);
    };
    const env = own.env();
    await Promise.all([checkCluster(env, CLUSTER_FOR.valid, 'kompass'), checkCluster(env, CLUSTER_FOR.expired, 'kompass')]);
    own.now += 299_000;
    expect((await checkCluster(env, CLUSTER_FOR.valid, 'kompass')).state).toBe('valid');
    const lists = own.requests.filter((r) => r.url === `${own.origin}/v1/schemes`);
    expect(tokenAskedFirst).toBe(true);
    expect(lists).toHaveLength(1);
    expect(lists[0]!.init).toMatchObject({ credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error' });
    own.now += 1_000;
    await checkCluster(env, CLUSTER_FOR.valid, 'kompass');
    expect(own.requests.filter((r) => r.url === `${own.origin}/v1/schemes`)).toHaveLength(2);
  });
});

describe('the verdict of a scheme badge', () => {
  test('a scheme list that cannot be read is unavailable, even for an unknown cluster, and is asked for again', async () => {
    const answers: Record<string, () => Response | Promise<Response>> = {
      '503': () => new Response('{"error":{"code":"down"}}', { status: 503 }),
      '404': () => new Response('not found', { status: 404 }),
      'not JSON': () => new Response('<html>'),
      'not a list': () => Response.json({ schemes: { kompass: KOMPASS_SCHEME } }),
      'network error': () => Promise.reject(new TypeError('failed to fetch')),
    };
    for (const [name, answer] of Object.entries(answers)) {
      const own = await kompassIssuerWithEveryState();
      const serve = own.schemesRoute;
      own.schemesRoute = answer;
      const env = own.env();
      expect(await checkCluster(env, CLUSTER_FOR.valid, 'kompass'), name).toMatchObject({ state: 'unavailable', claims: null });
      expect((await checkCluster(env, 'no-such-cluster', 'kompass')).state, name).toBe('unavailable');
      // The ECEI badge of the same cluster needs no list.
      expect((await checkCluster(env, CLUSTER_FOR.valid)).state, name).toBe('valid');
      own.schemesRoute = serve;
      expect((await checkCluster(env, CLUSTER_FOR.valid, 'kompass')).state, name).toBe('valid');
    }
  });

  test('a token without `labels`, or without an entry for the scheme, is unknown', async () => {
    expect((await kompassVerdict({})).verdict).toMatchObject({ state: 'unknown', code: null, label: { status: 'none' } });
    expect((await kompassVerdict({ labels: [] })).verdict.state).toBe('unknown');
  });

  test('an entry of another scheme never shows as held, whatever its level', async () => {
    for (const level of ['member', 'gold']) {
      const { issuer: own, verdict } = await kompassVerdict({ labels: [kompassLabel({ scheme: 'kompass-2', level })] });
      expect(verdict.state, level).toBe('unknown');
      const element = await mount(defineFor(own.env()), { cluster: 'c', scheme: 'kompass' });
      expect(faceText(element)).not.toContain('Member');
      expect(sealOf(element).classList.contains('none')).toBe(true);
    }
  });

  test('a cluster holding only the scheme is unknown to the ECEI badge and valid to its own', async () => {
    const own = await FakeIssuer.create();
    await own.publish('c', { label: { status: 'none', level: undefined, awarded: undefined, validUntil: undefined }, labels: [kompassLabel()] });
    expect((await checkCluster(own.env(), 'c')).state).toBe('unknown');
    expect((await checkCluster(own.env(), 'c', 'kompass')).state).toBe('valid');
  });

  test('expired and revoked are themselves; a valid one needs the log to record it', async () => {
    expect((await kompassVerdict({ labels: [kompassLabel({ status: 'expired', validUntil: '2025-03-31' })] })).verdict.state).toBe('expired');
    expect((await kompassVerdict({ labels: [kompassLabel({ status: 'revoked', revokedAt: '2025-05-02T09:30:00Z' })] })).verdict.state).toBe('revoked');
    const valid = await kompassVerdict({ labels: [kompassLabel()] });
    expect(valid.verdict).toMatchObject({ state: 'valid', code: null, label: kompassLabel(), scheme: { id: 'kompass' }, log: { index: 1, size: 3 } });
  });

  test('a log entry that does not record the same membership is invalid', async () => {
    const own = await FakeIssuer.create();
    const claims = own.claims('c', { labels: [kompassLabel()] });
    const differing: Record<string, unknown[]> = {
      'no labels': [],
      'another level': [kompassLabel({ level: 'associate' })],
      'other dates': [kompassLabel({ validUntil: '2028-05-31' })],
      'another scheme': [kompassLabel({ scheme: 'other' })],
    };
    for (const [name, recorded] of Object.entries(differing)) {
      const log = await own.log.claim({ ...claims, labels: recorded.length ? recorded : undefined });
      await own.publish('c', { labels: [kompassLabel()], log });
      expect(await checkCluster(own.env(), 'c', 'kompass'), name).toMatchObject({ state: 'invalid', code: 'ERR_LOG', claims: null });
    }
  });

  test('malformed `labels` are invalid: a level the scheme lacks, an unknown status, bad dates, two entries', async () => {
    const bad: Record<string, unknown> = {
      'a level not in the scheme': [kompassLabel({ level: 'gold' })],
      'a status none': [kompassLabel({ status: 'none' })],
      'an unknown status': [kompassLabel({ status: 'suspended' })],
      'a valid one without its end': [kompassLabel({ validUntil: undefined })],
      'an impossible date': [kompassLabel({ awarded: '2024-02-30' })],
      'a revocation time that is not one': [kompassLabel({ status: 'revoked', revokedAt: 'yesterday' })],
      'a number for a level': [kompassLabel({ level: 1 })],
      'two entries for the scheme': [kompassLabel(), kompassLabel({ validUntil: '2026-05-31' })],
      'two entries for another scheme': [kompassLabel(), kompassLabel({ scheme: 'other' }), kompassLabel({ scheme: 'other' })],
      'a malformed entry of another scheme': [kompassLabel(), { scheme: 'other', status: 'valid' }],
      'an entry that is not an object': [kompassLabel(), 'kompass'],
      'an object, not an array': kompassLabel(),
      'null': null,
    };
    for (const [name, labels] of Object.entries(bad)) {
      expect((await kompassVerdict({ labels })).verdict, name).toMatchObject({ state: 'invalid', code: 'ERR_JWT_CLAIMS', claims: null });
    }
    expect((await kompassVerdict({ labels: [kompassLabel({ validUntil: '2025-05-31' })] })).verdict).toMatchObject({ state: 'invalid', code: 'ERR_LABEL_ENDED' });
  });

  test('the token checks come first: a forged token for a held membership is invalid', async () => {
    const own = await FakeIssuer.create();
    await own.publish('c', await own.sign('c', { labels: [kompassLabel()] }, {}, await makeKey()));
    expect(await checkCluster(own.env(), 'c', 'kompass')).toMatchObject({ state: 'invalid', claims: null });
  });
});

describe('hostile scheme data is drawn inert', () => {
  const HOSTILE = {
    id: 'kompass',
    name: { en: '<img src=x onerror="window.hostileSchemeRan = true">Kompass' },
    issuer: '<script>window.hostileSchemeRan = true</script>Office',
    levels: [
      { id: 'member', name: { en: `<b>Member</b>${'x'.repeat(300)}` }, seal: { colour: 'red" onload="window.hostileSchemeRan = true', emblem: '<script>' } },
    ],
  };

  test('names are text of capped length, a colour not #rrggbb is grey, an unknown emblem is the ring', async () => {
    const own = await FakeIssuer.create();
    own.schemes = [HOSTILE];
    await own.publish('c', { labels: [kompassLabel()] });
    const element = await mount(defineFor(own.env()), { cluster: 'c', scheme: 'kompass' });
    expect(element.getAttribute('state')).toBe('valid');
    const seal = sealOf(element);
    expect(seal.getAttribute('color')).toBe('#6e7781');
    expect(seal.querySelector('circle.emblem')).not.toBeNull();
    expect(shadow(element).querySelector('.programme')!.textContent).toBe(HOSTILE.name.en);
    expect(shadow(element).querySelector('.level')!.textContent).toBe(HOSTILE.levels[0]!.name.en.slice(0, 100));

    const dialog = openDialog(element);
    const t = BUNDLED.en;
    expect(facts(dialog)[t.steps.issuer]).toBe(HOSTILE.issuer);
    expect(shadow(element).querySelector('img, script, b')).toBeNull();
    // As long as a real <img src=x> takes to fail, so an injected one would have fired by now.
    await new Promise((resolve) => Object.assign(new Image(), { onerror: resolve, src: 'x' }));
    expect((window as { hostileSchemeRan?: boolean }).hostileSchemeRan).toBeUndefined();
    // The long name is cut off inside the card, not spilling out of it.
    const badgeBox = shadow(element).querySelector('.badge')!.getBoundingClientRect();
    expect(shadow(element).querySelector('.level')!.getBoundingClientRect().right).toBeLessThanOrEqual(badgeBox.right);
  });

  test('schemes and levels without a string id, and other fields of any type, change nothing else', async () => {
    const own = await FakeIssuer.create();
    own.schemes = [null, 7, { id: 3 }, { id: 'kompass', name: 'not a map', issuer: { en: 'x' }, levels: [null, { id: 5 }, { id: 'member', name: ['Member'], seal: 'check' }] }];
    await own.publish('c', { labels: [kompassLabel()] });
    const element = await mount(defineFor(own.env()), { cluster: 'c', scheme: 'kompass' });
    expect(element.getAttribute('state')).toBe('valid');
    expect(shownText(element)).toBe('kompass member Valid until 31 May 2027');
    expect(sealOf(element).getAttribute('color')).toBe('#6e7781');
  });
});
