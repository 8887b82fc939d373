import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { cdp } from 'vitest/browser';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import { FIRST_RETRY, RECHECK_LEAD } from '../../widget/schedule.ts';
import type { LabelState } from '../../widget/verify/state.ts';
import { BUNDLED } from '../../widget/view/i18n.ts';
import { CLUSTER_FOR, issuerWithEveryState, STATES } from './every-state.ts';
import { defineFor, FakeIssuer, mount, settled, shadow } from './fake-issuer.ts';

let issuer: FakeIssuer;
let tag: string;

beforeAll(async () => {
  issuer = await issuerWithEveryState();
  tag = defineFor(issuer.env());
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

/** Mounts a badge; a `loading` one is only waited for until it has rendered. */
async function badge(state: LabelState, attributes: Record<string, string> = {}, parent?: HTMLElement): Promise<ClusterLabel> {
  if (state !== 'loading') return mount(tag, { cluster: CLUSTER_FOR[state], ...attributes }, parent);
  const element = document.createElement(tag) as ClusterLabel;
  for (const [name, value] of Object.entries({ cluster: CLUSTER_FOR.loading, ...attributes })) element.setAttribute(name, value);
  (parent ?? document.body).append(element);
  await element.updateComplete;
  return element;
}

const faceText = (element: ClusterLabel) => shadow(element).querySelector('.badge')!.textContent!.replace(/\s+/g, ' ').trim();
const size = (element: Element) => {
  const { width, height } = element.getBoundingClientRect();
  return { width, height };
};

describe('every state in every theme and size', () => {
  for (const theme of ['light', 'dark', 'auto']) {
    for (const sizeName of ['pill', 'card', 'seal']) {
      test(`${theme} ${sizeName}: each state renders, keeps the size of loading, and reads differently`, async () => {
        const texts = new Map<string, LabelState>();
        const loading = await badge('loading', { theme, size: sizeName });
        const box = size(loading);
        expect(box.height).toBeGreaterThan(20);
        for (const state of STATES) {
          const element = await badge(state, { theme, size: sizeName });
          expect(element.getAttribute('state')).toBe(state);
          expect(size(element)).toEqual(box);
          const text = faceText(element);
          expect(texts.get(text), `"${text}" is shared by ${state} and ${texts.get(text)}`).toBeUndefined();
          texts.set(text, state);
          // Each state has its own sign, so colour is never the only difference.
          expect(shadow(element).querySelector('.mark svg')).not.toBeNull();
        }
      });
    }
  }

  test('only valid, expired and revoked draw a level; only valid does so without a qualifier', async () => {
    for (const state of STATES) {
      const element = await badge(state);
      const seal = shadow(element).querySelector('.badge svg.seal')!;
      const drawsLevel = !seal.classList.contains('none');
      expect(drawsLevel, state).toBe(['valid', 'expired', 'revoked'].includes(state));
      expect(shadow(element).querySelector('.level')?.textContent ?? '', state).toBe(drawsLevel ? 'Silver' : '');
    }
    const revoked = await badge('revoked');
    expect(getComputedStyle(shadow(revoked).querySelector('.level')!).textDecorationLine).toBe('line-through');
    expect(shadow(revoked).querySelector('.strike')).not.toBeNull();
  });

  test('the dark theme and auto under a dark system preference share their colours, unlike light', async () => {
    const background = (element: ClusterLabel) => getComputedStyle(shadow(element).querySelector('.badge')!).backgroundColor;
    const light = background(await badge('valid', { theme: 'light' }));
    const dark = background(await badge('valid', { theme: 'dark' }));
    expect(dark).not.toBe(light);
    await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
    try {
      expect(background(await badge('valid'))).toBe(dark);
      expect(background(await badge('valid', { theme: 'light' }))).toBe(light);
    } finally {
      await cdp().send('Emulation.setEmulatedMedia', { features: [] });
    }
    expect(background(await badge('valid'))).toBe(light);
  });
});

describe('state attribute and event', () => {
  test('announces loading, then the verdict, with claims only when verified', async () => {
    const seen: { state: string; claims: unknown; target: EventTarget | null }[] = [];
    const listener = (event: GlobalEventHandlersEventMap['cluster-label-state']) =>
      seen.push({ state: event.detail.state, claims: event.detail.claims, target: event.target });
    document.addEventListener('cluster-label-state', listener);
    try {
      const valid = await badge('valid');
      const invalid = await badge('invalid');
      expect(seen.filter((e) => e.target === valid).map((e) => e.state)).toEqual(['loading', 'valid']);
      expect(seen.find((e) => e.target === valid && e.state === 'valid')?.claims).toMatchObject({ sub: CLUSTER_FOR.valid });
      expect(seen.filter((e) => e.target === invalid).map((e) => [e.state, e.claims])).toEqual([
        ['loading', null],
        ['invalid', null],
      ]);
    } finally {
      document.removeEventListener('cluster-label-state', listener);
    }
  });

  test('the event crosses shadow roots of the host page', async () => {
    const outer = document.createElement('div');
    document.body.append(outer);
    const root = outer.attachShadow({ mode: 'open' });
    const states: string[] = [];
    outer.addEventListener('cluster-label-state', (event) => states.push(event.detail.state));
    const element = document.createElement(tag) as ClusterLabel;
    element.setAttribute('cluster', CLUSTER_FOR.valid);
    root.append(element);
    await settled(element);
    expect(states).toEqual(['loading', 'valid']);
  });

  test('writing the state attribute from outside changes nothing shown', async () => {
    const element = await badge('invalid');
    const before = faceText(element);
    element.setAttribute('state', 'valid');
    element.requestUpdate();
    await element.updateComplete;
    expect(faceText(element)).toBe(before);
  });

  test('an opened dialog follows the verdict', async () => {
    const element = await badge('valid');
    shadow(element).querySelector<HTMLButtonElement>('.badge')!.click();
    const dialog = shadow(element).querySelector('dialog')!;
    expect(dialog.textContent).toContain(BUNDLED.en.meaning.valid);
    element.setAttribute('cluster', CLUSTER_FOR.revoked);
    await settled(element);
    expect(dialog.textContent).toContain(BUNDLED.en.meaning.revoked);
    expect(dialog.textContent).toContain('Evidence incomplete.');
  });

  test('changing the cluster attribute starts a new check from loading', async () => {
    const element = await badge('valid');
    const states: string[] = [];
    element.addEventListener('cluster-label-state', (event) => states.push(event.detail.state));
    element.setAttribute('cluster', CLUSTER_FOR.revoked);
    await element.updateComplete;
    expect(element.getAttribute('state')).toBe('loading');
    await settled(element);
    expect(states).toEqual(['loading', 'revoked']);
  });
});

describe('languages', () => {
  test('German from the element, from the nearest lang in the page, else English', async () => {
    const de = BUNDLED.de;
    const en = BUNDLED.en;
    expect(faceText(await badge('unknown', { lang: 'de' }))).toContain(de.mark.unknown);
    const section = document.createElement('section');
    section.lang = 'de-AT';
    const inner = document.createElement('div');
    section.append(inner);
    document.body.append(section);
    expect(faceText(await badge('unknown', {}, inner))).toContain(de.mark.unknown);
    expect(faceText(await badge('unknown', { lang: 'en' }, inner))).toContain(en.mark.unknown);
    expect(faceText(await badge('unknown', { lang: 'ja' }))).toContain(en.mark.unknown);
    const pageLang = document.documentElement.getAttribute('lang');
    document.documentElement.removeAttribute('lang');
    try {
      expect(faceText(await badge('unknown'))).toContain(en.mark.unknown);
      document.documentElement.lang = 'de';
      expect(faceText(await badge('unknown'))).toContain(de.mark.unknown);
    } finally {
      if (pageLang === null) document.documentElement.removeAttribute('lang');
      else document.documentElement.lang = pageLang;
    }
  });

  test('one date format per language, in the badge and its dialog alike, whatever the region', async () => {
    const dialogText = (element: ClusterLabel) => {
      shadow(element).querySelector<HTMLButtonElement>('.badge')!.click();
      return shadow(element).querySelector('dialog')!.textContent!.replace(/\s+/g, ' ');
    };
    for (const lang of ['en', 'en-GB', 'en-US', 'ja']) {
      const element = await badge('valid', { lang });
      expect(faceText(element), lang).toContain('Valid until 31 Mar 2026');
      const text = dialogText(element);
      expect(text, lang).toContain('Valid until 31 Mar 2026');
      expect(text, lang).toMatch(/Awarded\s*12 Mar 2024/);
      // Times on a 24-hour clock, never AM/PM.
      expect(text, lang).toMatch(/checked at \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
      expect(text, lang).not.toMatch(/\b(AM|PM)\b|March|2026-03-31/);
    }
    for (const lang of ['de', 'de-AT', 'de-']) {
      const element = await badge('valid', { lang });
      expect(faceText(element), lang).toContain('Gültig bis 31.03.2026');
      const text = dialogText(element);
      expect(text, lang).toMatch(/Verliehen am\s*12\.03\.2024/);
      expect(text, lang).toMatch(/geprüft am \d\d\.\d\d\.\d{4}, \d\d:\d\d/);
    }
    expect(faceText(await badge('expired', { lang: 'en-US' }))).toContain('Expired 31 Mar 2025');
  });

  test('a lang change re-renders', async () => {
    const element = await badge('unknown', { lang: 'en' });
    element.setAttribute('lang', 'de');
    await element.updateComplete;
    expect(faceText(element)).toContain(BUNDLED.de.mark.unknown);
  });
});

describe('a good guest', () => {
  test('the host page’s inherited styles do not reach in', async () => {
    const plain = await badge('valid');
    const reference = getComputedStyle(shadow(plain).querySelector('.level')!);
    const snapshot = ['fontFamily', 'fontSize', 'color', 'lineHeight', 'letterSpacing', 'textTransform', 'fontStyle', 'wordSpacing'].map(
      (name) => reference[name as keyof CSSStyleDeclaration],
    );
    const hostile = document.createElement('div');
    hostile.className = 'hostile';
    const style = document.createElement('style');
    style.textContent =
      '.hostile { font: italic 30px/5 serif; color: rgb(255, 0, 0); letter-spacing: 10px; word-spacing: 20px; text-transform: uppercase; text-align: right; }';
    document.head.append(style);
    document.body.append(hostile);
    try {
      const guest = await badge('valid', {}, hostile);
      const inside = getComputedStyle(shadow(guest).querySelector('.level')!);
      expect(
        ['fontFamily', 'fontSize', 'color', 'lineHeight', 'letterSpacing', 'textTransform', 'fontStyle', 'wordSpacing'].map(
          (name) => inside[name as keyof CSSStyleDeclaration],
        ),
      ).toEqual(snapshot);
      expect(size(guest)).toEqual(size(plain));
    } finally {
      style.remove();
    }
  });

  test('a short fade, and none when the visitor asks for reduced motion', async () => {
    const animations = (element: ClusterLabel) => shadow(element).getAnimations().length;
    expect(animations(await badge('valid'))).toBeGreaterThan(0);
    await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value: 'reduce' }] });
    try {
      expect(animations(await badge('valid'))).toBe(0);
    } finally {
      await cdp().send('Emulation.setEmulatedMedia', { features: [] });
    }
  });

  test('defining the element twice is harmless, and the issuer is where the script came from', async () => {
    await import('../../widget/define.ts');
    const first = customElements.get('cluster-label');
    await import(/* @vite-ignore */ `${new URL('../../widget/define.ts', import.meta.url).href}?twice`);
    expect(customElements.get('cluster-label')).toBe(first);
    expect((first as unknown as typeof ClusterLabel & { env: { issuer: string } }).env.issuer).toBe(new URL(import.meta.url).origin);
  });
});

describe('re-checking', () => {
  /** Waits for `ready` by yielding tasks through a MessageChannel, which fake timers leave alone. */
  async function until(ready: () => boolean): Promise<void> {
    const channel = new MessageChannel();
    for (let i = 0; i < 2000 && !ready(); i++) {
      await new Promise((resolve) => {
        channel.port1.onmessage = resolve;
        channel.port2.postMessage(null);
      });
    }
    expect(ready()).toBe(true);
  }

  async function start(local: FakeIssuer, cluster: string): Promise<{ element: ClusterLabel; asked: () => number }> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const element = document.createElement(defineFor(local.env())) as ClusterLabel;
    element.setAttribute('cluster', cluster);
    document.body.append(element);
    const asked = () => local.requests.filter((r) => r.url.endsWith(`/${cluster}/attestation`)).length;
    return { element, asked };
  }

  test('re-checks before the token expires, so a revocation reaches an open page', async () => {
    const local = await FakeIssuer.create();
    const token = await local.publish('c');
    const { exp } = JSON.parse(atob(token.split('.')[1]!)) as { exp: number };
    const { element, asked } = await start(local, 'c');
    await until(() => element.getAttribute('state') === 'valid');
    await local.publish('c', { label: { status: 'revoked', revokedAt: '2025-06-15T11:00:00Z' } });
    const delay = exp * 1000 - local.now - RECHECK_LEAD;
    vi.advanceTimersByTime(delay - 1);
    expect(asked()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(asked()).toBe(2);
    await until(() => element.getAttribute('state') === 'revoked');
  });

  test('after unavailable, retries with growing pauses', async () => {
    const local = await FakeIssuer.create();
    local.attestation = () => new Response('', { status: 503 });
    const { element, asked } = await start(local, 'c');
    await until(() => element.getAttribute('state') === 'unavailable' && vi.getTimerCount() === 1);
    for (const [n, pause] of [FIRST_RETRY, FIRST_RETRY * 2, FIRST_RETRY * 4].entries()) {
      vi.advanceTimersByTime(pause - 1);
      expect(asked()).toBe(n + 1);
      vi.advanceTimersByTime(1);
      expect(asked()).toBe(n + 2);
      await until(() => vi.getTimerCount() === 1);
    }
    element.remove();
    expect(vi.getTimerCount()).toBe(0);
  });
});
