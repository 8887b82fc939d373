import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cdp } from 'vitest/browser';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import type { LabelState } from '../../widget/verify/state.ts';
import { BUNDLED, FULL_NAMES } from '../../widget/view/i18n.ts';
import { CLUSTER_FOR, issuerWithEveryState, STATES } from './every-state.ts';
import { defineFor, type FakeIssuer, mount, shadow } from './fake-issuer.ts';

let issuer: FakeIssuer;
let tag: string;

beforeAll(async () => {
  issuer = await issuerWithEveryState();
  tag = defineFor(issuer.env());
});

afterEach(() => document.body.replaceChildren());

const SETTLED = STATES.filter((s) => s !== 'loading');
const SIZES = ['pill', 'card', 'seal'];
const badge = (state: LabelState, attributes: Record<string, string> = {}) => mount(tag, { cluster: CLUSTER_FOR[state], ...attributes });

function openDialog(element: ClusterLabel): HTMLDialogElement {
  shadow(element).querySelector<HTMLButtonElement>('button.badge')!.click();
  return shadow(element).querySelector('dialog')!;
}

/** Boxes whose content is wider or taller than they are: text cut off or spilling out. */
function overflowing(root: Element): string[] {
  return [root, ...root.querySelectorAll<HTMLElement>('*')]
    .filter((node) => node instanceof HTMLElement && node.clientWidth > 0 && (node.scrollWidth > node.clientWidth + 1 || (node.scrollHeight > node.clientHeight + 1 && node !== root)))
    .map((node) => `${node.tagName.toLowerCase()}.${node.className}: ${node.textContent?.trim().slice(0, 40)}`);
}

describe('text fits in the fonts a visitor has (DejaVu Sans here)', () => {
  test('no face and no dialog of any state, size or language overflows', async () => {
    for (const state of SETTLED) {
      for (const size of SIZES) {
        for (const lang of ['en', 'de']) {
          const element = await badge(state, { size, lang });
          expect(overflowing(shadow(element).querySelector('.badge')!), `${state} ${size} ${lang}`).toEqual([]);
          const dialog = openDialog(element);
          dialog.querySelector('details')!.open = true;
          expect(overflowing(dialog), `dialog ${state} ${size} ${lang}`).toEqual([]);
          element.remove();
        }
      }
    }
  });
});

describe('a calm dialog', () => {
  test('the verdict comes first, the label is named once, the checks wait behind a disclosure', async () => {
    const element = await badge('valid', { lang: 'en' });
    const dialog = openDialog(element);
    const heading = dialog.querySelector('h2')!;
    expect(heading.textContent!.trim()).toBe('Valid until 31 Mar 2026');
    expect(dialog.querySelector('header')!.compareDocumentPosition(dialog.querySelector('dl')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const text = dialog.textContent!;
    expect(text.split(FULL_NAMES.silver).length - 1).toBe(1);
    expect(text).not.toMatch(/Silver\b/);
    const details = dialog.querySelector('details')!;
    expect(details.open).toBe(false);
    const kid = [...details.querySelectorAll('.detail')].find((d) => d.textContent!.startsWith('key '))!;
    expect(kid.checkVisibility()).toBe(false);
    details.querySelector('summary')!.click();
    expect(kid.checkVisibility()).toBe(true);
  });

  test('the same seal in the dialog whichever size opened it', async () => {
    const seals = [];
    for (const size of SIZES) {
      const { width, height } = openDialog(await badge('valid', { size })).querySelector('.seal')!.getBoundingClientRect();
      seals.push([width, height]);
    }
    expect(seals).toEqual([
      [64, 64],
      [64, 64],
      [64, 64],
    ]);
  });

  test('a pill shows a state’s sign once', async () => {
    for (const state of SETTLED) {
      const signs = shadow(await badge(state, { size: 'pill' })).querySelectorAll('.badge svg');
      expect(signs.length, state).toBe(['valid', 'expired', 'revoked'].includes(state) ? 2 : 1);
    }
  });

  test('German reads naturally', () => {
    const { meaning } = BUNDLED.de;
    expect(Object.values(meaning).join(' ')).not.toMatch(/hält es|Abzeichen/);
  });
});

describe('on paper', () => {
  test('the card and the seal print the issuer’s address', async () => {
    const host = new URL(issuer.origin).host;
    await cdp().send('Emulation.setEmulatedMedia', { media: 'print' });
    try {
      for (const size of ['card', 'seal']) {
        const element = await badge('valid', { size });
        const printed = shadow(element).querySelector<HTMLElement>('.printed')!;
        expect(printed.checkVisibility(), size).toBe(true);
        expect(printed.textContent).toBe(`Check at ${host}`);
        expect(shadow(element).querySelector('.mark')!.checkVisibility(), size).toBe(true);
      }
    } finally {
      await cdp().send('Emulation.setEmulatedMedia', { media: '' });
    }
    expect(shadow(await badge('valid')).querySelector<HTMLElement>('.printed')!.checkVisibility()).toBe(false);
  });
});
