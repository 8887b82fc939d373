import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import type { LabelState } from '../../widget/verify/state.ts';
import { CLUSTER_FOR, issuerWithEveryState, STATES } from './every-state.ts';
import { defineFor, FakeIssuer, mount, shadow } from './fake-issuer.ts';

/**
 * Host pages whose rules match the element itself (`*`, `cluster-label`, `!important`,
 * `all: revert`): the badge and its dialog must read the same as on a plain page.
 */
let issuer: FakeIssuer;
let tag: string;

beforeAll(async () => {
  issuer = await issuerWithEveryState();
  tag = defineFor(issuer.env());
});

const added: Element[] = [];
afterEach(() => {
  for (const element of added.splice(0)) element.remove();
  document.documentElement.removeAttribute('dir');
  document.body.replaceChildren();
});

/** Adds a host stylesheet; `TAG` in it stands for the element's name. */
function hostCss(text: string): void {
  const style = document.createElement('style');
  style.textContent = text.replaceAll('TAG', tag);
  document.head.append(style);
  added.push(style);
}

const SETTLED = STATES.filter((s): s is Exclude<LabelState, 'loading'> => s !== 'loading');
const SIZES = { pill: [280, 28], card: [320, 96], seal: [152, 188] } as const;

const badge = (state: LabelState, attributes: Record<string, string> = {}) => mount(tag, { cluster: CLUSTER_FOR[state], ...attributes });
const part = (element: ClusterLabel, selector: string) => shadow(element).querySelector<HTMLElement>(selector)!;

function rgb(color: string): [number, number, number] {
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b];
}

/** WCAG 2.x contrast ratio of two opaque CSS colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = rgb(color).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Whether `inner` is drawn wholly inside `outer`, to the pixel. */
function inside(inner: Element, outer: Element): boolean {
  const i = inner.getBoundingClientRect();
  const o = outer.getBoundingClientRect();
  return i.top >= o.top - 0.5 && i.bottom <= o.bottom + 0.5 && i.left >= o.left - 0.5 && i.right <= o.right + 0.5;
}

/** Text of the face that is cut off: elements whose content is wider or taller than their box. */
function clipped(root: Element): string[] {
  return [...root.querySelectorAll<HTMLElement>('span')]
    .filter((span) => span.scrollWidth > span.clientWidth + 1 || span.scrollHeight > span.clientHeight + 1)
    .map((span) => span.textContent ?? '');
}

function openDialog(element: ClusterLabel): HTMLDialogElement {
  part(element, 'button.badge').click();
  return part(element, 'dialog') as HTMLDialogElement;
}

describe('host rules that match the element itself', () => {
  test('a dark site: the level keeps 4.5:1 against the badge’s own background, in its own font', async () => {
    const plain = await badge('valid', { theme: 'light' });
    const font = getComputedStyle(part(plain, '.level')).fontFamily;
    hostCss('body { background: #111 } * { color: #eee; font-family: Georgia, serif; line-height: 30px }');
    for (const theme of ['light', 'dark']) {
      const element = await badge('valid', { theme });
      const level = getComputedStyle(part(element, '.level'));
      const background = getComputedStyle(part(element, '.badge')).backgroundColor;
      expect(contrast(level.color, background), theme).toBeGreaterThanOrEqual(4.5);
      expect(level.fontFamily).toBe(font);
      expect(inside(part(element, '.mark'), part(element, '.badge')), theme).toBe(true);
    }
  });

  test('*{line-height:3}: the "valid until" line stays inside the card, and the seal keeps its year', async () => {
    hostCss('* { line-height: 3 !important }');
    for (const size of ['card', 'seal', 'pill']) {
      const element = await badge('valid', { size });
      expect(inside(part(element, '.mark'), part(element, '.badge')), size).toBe(true);
      expect(clipped(part(element, '.badge')), size).toEqual([]);
    }
  });

  test('writing-mode, text-transform and letter-spacing on the element reach neither badge nor dialog', async () => {
    hostCss('TAG { writing-mode: vertical-rl !important; text-transform: uppercase !important; letter-spacing: 4px !important; direction: rtl !important }');
    const element = await badge('valid', { lang: 'en' });
    const dialog = openDialog(element);
    for (const node of [part(element, '.level'), dialog, dialog.querySelector('h2')!]) {
      const style = getComputedStyle(node);
      expect([style.writingMode, style.textTransform, style.letterSpacing, style.direction]).toEqual(['horizontal-tb', 'none', 'normal', 'ltr']);
    }
    expect(dialog.scrollWidth).toBeLessThanOrEqual(dialog.clientWidth);
    expect(part(element, '.level').textContent).toBe('Silver');
  });

  test('each size keeps its documented box under all:revert, width/height/padding and !important', async () => {
    for (const rule of ['TAG { all: revert !important }', 'TAG { width: 100px !important; height: 40px !important; padding: 20px !important; border: 9px solid red !important; display: block !important }']) {
      hostCss(rule);
      for (const [size, [width, height]] of Object.entries(SIZES)) {
        const element = await badge('valid', { size });
        const box = element.getBoundingClientRect();
        expect([box.width, box.height], `${rule} ${size}`).toEqual([width, height]);
        expect(inside(part(element, '.mark'), element), `${rule} ${size}`).toBe(true);
      }
      added.pop()?.remove();
    }
  });

  test('the documented custom properties and parts still get in', async () => {
    hostCss('TAG { --cluster-label-background: rgb(1, 2, 3); --cl-bg: rgb(200, 0, 0) } TAG::part(badge) { outline: 3px solid rgb(0, 128, 0) }');
    const element = await badge('valid');
    const style = getComputedStyle(part(element, '.badge'));
    expect(style.backgroundColor).toBe('rgb(1, 2, 3)');
    expect(style.outlineColor).toBe('rgb(0, 128, 0)');
  });

  test('a host can still hide its own badge', async () => {
    const element = await badge('valid');
    element.hidden = true;
    expect(element.getBoundingClientRect().width).toBe(0);
  });
});

describe('direction', () => {
  test('on a right-to-left page the badge and its dialog run left to right', async () => {
    document.documentElement.dir = 'rtl';
    for (const lang of ['en', 'de']) {
      const element = await badge('valid', { lang });
      expect(getComputedStyle(part(element, '.badge')).direction).toBe('ltr');
      const mark = part(element, '.mark');
      // The check mark comes before the words, on the left.
      expect(mark.querySelector('svg')!.getBoundingClientRect().left).toBeLessThan(mark.querySelector('span')!.getBoundingClientRect().left);
      expect(getComputedStyle(openDialog(element)).direction).toBe('ltr');
    }
  });
});

describe('every state under hostile CSS', () => {
  test('no text of any state, size or language is cut off', async () => {
    hostCss('* { font: 17px/2 Georgia, serif !important; letter-spacing: 1px !important }');
    for (const state of SETTLED) {
      for (const size of Object.keys(SIZES)) {
        for (const lang of ['en', 'de']) {
          const element = await badge(state, { size, lang });
          expect(clipped(part(element, '.badge')), `${state} ${size} ${lang}`).toEqual([]);
          element.remove();
        }
      }
    }
  });
});

describe('many badges of one cluster', () => {
  test('ask the issuer once while the check is under way; a badge added later checks for itself', async () => {
    const local = await FakeIssuer.create();
    await local.publish('c');
    const localTag = defineFor(local.env());
    const asked = () => local.requests.filter((r) => r.url.endsWith('/c/attestation')).length;
    const badges = await Promise.all(Array.from({ length: 20 }, () => mount(localTag, { cluster: 'c', size: 'pill' })));
    expect(badges.every((b) => b.getAttribute('state') === 'valid')).toBe(true);
    expect(asked()).toBe(1);
    await mount(localTag, { cluster: 'c' });
    expect(asked()).toBe(2);
  });
});
