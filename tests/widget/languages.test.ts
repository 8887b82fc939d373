import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import { BUNDLED, fill } from '../../widget/view/i18n.ts';
import { CLUSTER_FOR, issuerWithEveryState, STATES } from './every-state.ts';
import { CATALOGUE, defineFor, type FakeIssuer, kompassLabel, mount, shadow } from './fake-issuer.ts';

declare const __CLUSTER_LABEL_LANGUAGES__: string;

const LANGUAGES = __CLUSTER_LABEL_LANGUAGES__.split(' ');
const SETTLED = STATES.filter((s) => s !== 'loading');
const faceText = (element: ClusterLabel) => shadow(element).querySelector('.badge')!.textContent!.replace(/\s+/g, ' ').trim();
const rootLang = (element: ClusterLabel) => shadow(element).querySelector('.root')!.getAttribute('lang');
const widgetOf = (lang: string) => CATALOGUE[`../../locales/${lang}.json`]!.widget;

afterEach(() => document.body.replaceChildren());

describe('languages not in the bundle', () => {
  let issuer: FakeIssuer;
  let tag: string;
  const localeRequests = () => issuer.requests.filter((r) => r.url.includes('/locales/')).map((r) => r.url.replace(issuer.origin, ''));

  beforeAll(async () => {
    issuer = await issuerWithEveryState();
    tag = defineFor(issuer.env());
  });

  test('English and German need no request; any other language one, whatever the number of badges', async () => {
    for (const lang of ['en', 'de', 'de-AT', 'en-US']) await mount(tag, { cluster: CLUSTER_FOR.valid, lang });
    expect(localeRequests()).toEqual([]);

    const first = await mount(tag, { cluster: CLUSTER_FOR.valid, lang: 'pl' });
    await mount(tag, { cluster: CLUSTER_FOR.expired, lang: 'pl' });
    await mount(tag, { cluster: CLUSTER_FOR.valid, lang: 'pl-PL' });
    expect(localeRequests()).toEqual([`/widget/${__CLUSTER_LABEL_VERSION__}/locales/pl.json`]);
    expect(rootLang(first)).toBe('pl');
    expect(faceText(first)).toContain(fill(widgetOf('pl').mark.valid, { date: '31 mar 2026' }));
  });

  test('the language file is asked for at once, beside the token, and the verdict waits for it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answer = issuer.localeRoute;
    issuer.localeRoute = async (url, init) => {
      await held;
      return answer(url, init);
    };
    try {
      const before = issuer.requests.length;
      const element = document.createElement(tag) as ClusterLabel;
      element.setAttribute('cluster', CLUSTER_FOR.revoked);
      element.setAttribute('lang', 'fi');
      document.body.append(element);
      await element.updateComplete;
      const asked = issuer.requests.slice(before).map((r) => r.url.replace(issuer.origin, ''));
      // Both requests left in the element's first update, the language file first.
      expect(asked.slice(0, 2)).toEqual([`/widget/${__CLUSTER_LABEL_VERSION__}/locales/fi.json`, `/v1/clusters/${CLUSTER_FOR.revoked}/attestation`]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(element.getAttribute('state')).toBe('loading');
      release();
      await expect.poll(() => element.getAttribute('state')).toBe('revoked');
      expect(faceText(element)).toContain(widgetOf('fi').mark.revoked);
    } finally {
      issuer.localeRoute = answer;
    }
  });

  test('a language file that cannot be had reads as English and changes no verdict', async () => {
    const fresh = await issuerWithEveryState();
    fresh.localeRoute = () => new Response('{"error":{"code":"down"}}', { status: 503 });
    const failing = defineFor(fresh.env());
    const element = await mount(failing, { cluster: CLUSTER_FOR.valid, lang: 'hu' });
    expect(element.getAttribute('state')).toBe('valid');
    expect(rootLang(element)).toBe('en');
    expect(faceText(element)).toContain(fill(BUNDLED.en.mark.valid, { date: '31 Mar 2026' }));

    const broken = await issuerWithEveryState();
    broken.localeRoute = () => new Response('not json', { status: 200 });
    const garbled = await mount(defineFor(broken.env()), { cluster: CLUSTER_FOR.revoked, lang: 'hu' });
    expect(garbled.getAttribute('state')).toBe('revoked');
    expect(rootLang(garbled)).toBe('en');
  });

  test('the language comes from the element, else the nearest lang in the page; a region falls back to its language', async () => {
    const section = document.createElement('section');
    section.lang = 'pt-BR';
    document.body.append(section);
    const inherited = await mount(tag, { cluster: CLUSTER_FOR.mismatch }, section);
    expect(rootLang(inherited)).toBe('pt');
    expect(faceText(inherited)).toContain(widgetOf('pt').mark.mismatch);
    const own = await mount(tag, { cluster: CLUSTER_FOR.mismatch, lang: 'el' }, section);
    expect(rootLang(own)).toBe('el');
    expect(faceText(own)).toContain(widgetOf('el').mark.mismatch);
    const unknown = await mount(tag, { cluster: CLUSTER_FOR.mismatch, lang: 'ja' }, section);
    expect(rootLang(unknown)).toBe('en');
  });

  test('dates and numbers as each language writes them', async () => {
    const dates: Record<string, string> = { fr: '31/03/26', fi: '31.3.2026', hu: '2026. 03. 31.', sv: '31 mars 2026', pl: '31 mar 2026', el: '31 Μαρ 2026' };
    for (const [lang, date] of Object.entries(dates)) {
      const element = await mount(tag, { cluster: CLUSTER_FOR.valid, lang });
      expect(faceText(element), lang).toContain(fill(widgetOf(lang).mark.valid, { date }));
    }
  });
});

/** Boxes whose content is wider or taller than they are: text cut off or spilling out. */
function overflowing(root: Element, height: boolean): string[] {
  return [root, ...root.querySelectorAll<HTMLElement>('*')]
    .filter((node) => node instanceof HTMLElement && node.clientWidth > 0 && (node.scrollWidth > node.clientWidth + 1 || (height && node.scrollHeight > node.clientHeight + 1)))
    .map((node) => `${node.tagName.toLowerCase()}.${node.className}: ${node.textContent?.trim().slice(0, 60)}`);
}

describe('text fits in every language (DejaVu Sans here)', () => {
  test('no face of any state, size or theme overflows, nor the dialog’s width; nor a scheme’s', async () => {
    const issuer = await issuerWithEveryState();
    await issuer.publish('c-kompass', { labels: [kompassLabel()] });
    const tag = defineFor(issuer.env());
    const badges = new Map<string, ClusterLabel>();
    for (const state of SETTLED) badges.set(state, await mount(tag, { cluster: CLUSTER_FOR[state] }));
    badges.set('kompass valid', await mount(tag, { cluster: 'c-kompass', scheme: 'kompass' }));
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      for (const element of badges.values()) element.setAttribute('lang', lang);
      for (const element of badges.values()) await expect.poll(() => rootLang(element), { message: lang, interval: 5 }).toBe(lang);
      for (const [state, element] of badges) {
        for (const theme of ['light', 'dark']) {
          for (const size of ['pill', 'card', 'seal']) {
            element.setAttribute('theme', theme);
            element.setAttribute('size', size);
            await element.updateComplete;
            problems.push(...overflowing(shadow(element).querySelector('.badge')!, true).map((p) => `${lang} ${state} ${size} ${theme}: ${p}`));
          }
        }
        shadow(element).querySelector<HTMLButtonElement>('.badge')!.click();
        const dialog = shadow(element).querySelector('dialog')!;
        dialog.querySelector('details')!.open = true;
        problems.push(...overflowing(dialog, false).map((p) => `${lang} ${state} dialog: ${p}`));
        dialog.close();
      }
    }
    expect(problems.join('\n')).toBe('');
  }, 60_000);
});

declare const __CLUSTER_LABEL_VERSION__: string;
