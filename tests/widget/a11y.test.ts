import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cdp, userEvent } from 'vitest/browser';
import type { ClusterLabel } from '../../widget/cluster-label.ts';
import type { LabelState } from '../../widget/verify/state.ts';
import { BUNDLED } from '../../widget/view/i18n.ts';
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

async function badge(state: LabelState, attributes: Record<string, string> = {}): Promise<ClusterLabel> {
  if (state !== 'loading') return mount(tag, { cluster: CLUSTER_FOR[state], ...attributes });
  const element = document.createElement(tag) as ClusterLabel;
  element.setAttribute('cluster', CLUSTER_FOR.loading);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.body.append(element);
  await element.updateComplete;
  return element;
}

const button = (element: ClusterLabel) => shadow(element).querySelector<HTMLButtonElement>('button.badge')!;
const dialog = (element: ClusterLabel) => shadow(element).querySelector('dialog')!;
const focused = (element: ClusterLabel) => shadow(element).activeElement;

/** Opens the badge's dialog as a click does (its contents are drawn at the first opening). */
function openDialog(element: ClusterLabel): HTMLDialogElement {
  button(element).click();
  return dialog(element);
}

/** axe-core over the page, shadow roots included, for WCAG 2.1 A/AA and best practice. */
async function violations(context: Element = document.body): Promise<string[]> {
  // Measure contrast on the settled picture, not halfway through the fade-in.
  const badges = [...document.querySelectorAll<ClusterLabel>(tag)];
  await Promise.all(badges.flatMap((b) => shadow(b).getAnimations().map((a) => a.finished)));
  const result = await axe.run(context, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe('keyboard and focus', () => {
  test('Tab reaches the badge; Enter opens the dialog with focus inside; Esc closes and focus returns', async () => {
    const element = await badge('valid');
    await userEvent.tab();
    expect(focused(element)).toBe(button(element));
    await userEvent.keyboard('{Enter}');
    expect(dialog(element).open).toBe(true);
    expect(dialog(element).contains(focused(element))).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(dialog(element).open).toBe(false);
    expect(focused(element)).toBe(button(element));
  });

  test('Space opens too, and a click', async () => {
    const element = await badge('expired');
    button(element).focus();
    await userEvent.keyboard(' ');
    expect(dialog(element).open).toBe(true);
    dialog(element).close();
    await userEvent.click(button(element));
    expect(dialog(element).open).toBe(true);
  });

  test('focus is held in the dialog in both directions, and the close button closes it', async () => {
    const element = await badge('valid');
    await userEvent.click(button(element));
    const inside = [...dialog(element).querySelectorAll<HTMLElement>('a[href], button')];
    expect(inside.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < inside.length * 2 + 1; i++) {
      await userEvent.tab();
      expect(dialog(element).contains(focused(element))).toBe(true);
    }
    for (let i = 0; i < inside.length * 2 + 1; i++) {
      await userEvent.tab({ shift: true });
      expect(dialog(element).contains(focused(element))).toBe(true);
    }
    await userEvent.click(dialog(element).querySelector<HTMLButtonElement>('.close')!);
    expect(dialog(element).open).toBe(false);
    expect(focused(element)).toBe(button(element));
  });
});

describe('names and content', () => {
  test('the badge is a button named by what it shows, and announces a dialog', async () => {
    const t = BUNDLED.en;
    const element = await badge('valid');
    const name = button(element).textContent!.replace(/\s+/g, ' ');
    expect(name).toContain(t.levels.silver);
    expect(name).toContain('Valid until');
    expect(button(element).getAttribute('aria-haspopup')).toBe('dialog');
    const opened = openDialog(element);
    expect(opened.getAttribute('aria-labelledby')).toBe(opened.querySelector('h2')!.id);
  });

  test.each(SETTLED)('%s: the dialog says what it means, names the issuer and links to its page', async (state) => {
    const t = BUNDLED.en;
    const element = await badge(state);
    const body = openDialog(element);
    expect(body.textContent).toContain(t.meaning[state]);
    expect(body.querySelector('.issuer strong')!.textContent).toBe(new URL(issuer.origin).host);
    expect(body.querySelector<HTMLAnchorElement>('a[part="link"]')!.href).toBe(`${issuer.origin}/clusters/${CLUSTER_FOR[state]}`);
    // Facts about a label are shown only for a label this issuer vouched for on this site.
    expect(body.querySelector('dl') !== null).toBe(['valid', 'expired', 'revoked'].includes(state));
  });

  test('the checks list reports each step, with the key id when the signature verified', async () => {
    const valid = openDialog(await badge('valid'));
    expect(valid.querySelectorAll('li.passed')).toHaveLength(6);
    expect(valid.textContent).toContain(issuer.key.jwk.kid);
    const forged = openDialog(await badge('invalid'));
    expect(forged.querySelector('li.failed')!.textContent).toContain('Signature');
    expect(forged.querySelectorAll('li.passed')).toHaveLength(0);
    const copied = openDialog(await badge('mismatch'));
    expect(copied.querySelector('li.failed')!.textContent).toContain('Website');
    expect(copied.querySelector('li.failed')!.textContent).toContain(location.origin);
  });

  test('a revoked label shows its public reason', async () => {
    expect(openDialog(await badge('revoked')).textContent).toContain('Evidence incomplete.');
  });
});

describe('a hostile cluster name, signed into a genuine token', () => {
  const NAMES: Record<string, string> = {
    markup: '<img src=x onerror="window.hostileNameRan = true"><b>Bold</b> Cluster',
    script: '<script>window.hostileNameRan = true</script>Script Cluster',
    // A right-to-left override left open, and an isolate: they must not turn the rest around.
    bidi: 'Trusty \u202Eretsulc live\u202C \u2067Cluster\u2069 \u202E',
    // As long as the issuer accepts (200 characters), with an unbroken run that must still wrap.
    long: `${'Unbroken'.repeat(13)} ${'Very Long Name '.repeat(6)}`.trim(),
  };

  test.each(Object.keys(NAMES))('%s: shown as text only, nothing runs, the dialog still works', async (kind) => {
    const name = NAMES[kind]!;
    const cluster = `c-hostile-${kind}`;
    await issuer.publish(cluster, { cluster: { name } });
    const plain = await badge('valid');
    const element = await mount(tag, { cluster });
    expect(element.getAttribute('state')).toBe('valid');
    // The badge does not show the name; it reads exactly as for a harmless one.
    expect(button(element).textContent).toBe(button(plain).textContent);

    openDialog(plain).close();
    const opened = openDialog(element);
    const t = BUNDLED.en;
    const row = [...opened.querySelectorAll('dt')].find((dt) => dt.textContent === t.cluster)!.nextElementSibling!;
    expect(row.textContent).toBe(name);
    expect(row.childElementCount).toBe(0);
    // Nothing was made of the name: the same elements as for a harmless name, none of its tags.
    expect(shadow(element).querySelectorAll('*').length).toBe(shadow(plain).querySelectorAll('*').length);
    expect(shadow(element).querySelector('img, script, b')).toBeNull();
    // Its own block: an override in it ends there.
    expect(getComputedStyle(row).display).toBe('block');

    // As long as a real <img src=x> takes to fail, so an injected one would have fired by now.
    const control = new Image();
    await new Promise((resolve) => {
      control.onerror = resolve;
      control.src = 'x';
    });
    expect((window as { hostileNameRan?: boolean }).hostileNameRan).toBeUndefined();

    // Usable: inside the viewport, no sideways scrolling, the close button focused and working.
    const box = opened.getBoundingClientRect();
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(innerWidth);
    expect(box.bottom).toBeLessThanOrEqual(innerHeight);
    expect(opened.scrollWidth).toBeLessThanOrEqual(opened.clientWidth);
    const close = opened.querySelector<HTMLButtonElement>('.close')!;
    expect(focused(element)).toBe(close);
    await userEvent.click(close);
    expect(opened.open).toBe(false);
    expect(focused(element)).toBe(button(element));
  });
});

describe('axe-core finds nothing', () => {
  for (const theme of ['light', 'dark']) {
    test(`${theme}: every state and size`, async () => {
      for (const state of STATES) for (const size of ['pill', 'card', 'seal']) await badge(state, { theme, size });
      expect(await violations()).toEqual([]);
    });

    test(`${theme}: with the dialog open, in every state`, async () => {
      for (const state of STATES) {
        const element = await badge(state, { theme });
        button(element).click();
        expect(await violations()).toEqual([]);
        dialog(element).close();
        element.remove();
      }
    });
  }

  test('auto under a dark system preference', async () => {
    await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
    try {
      for (const state of STATES) await badge(state);
      expect(await violations()).toEqual([]);
    } finally {
      await cdp().send('Emulation.setEmulatedMedia', { features: [] });
    }
  });
});
