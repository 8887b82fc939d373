import { html, type TemplateResult } from 'lit/html.js';
import type { Verdict } from '../check.ts';
import type { Level } from '../verify/claims.ts';
import { fill, shortDate, type Locale } from './i18n.ts';
import { icon } from './icons.ts';
import { seal } from './seal.ts';

export type Size = 'pill' | 'card' | 'seal';

/** The level a badge may draw: only for a label the issuer vouched for on this site. */
export function shownLevel(verdict: Verdict): Level | null {
  const { state, claims } = verdict;
  return (state === 'valid' || state === 'expired' || state === 'revoked') && claims?.label.level ? claims.label.level : null;
}

/** The badge's short status line, with the date it concerns. */
export function markText(verdict: Verdict, locale: Locale): string {
  const label = verdict.claims?.label;
  const date = verdict.state === 'revoked' ? label?.revokedAt?.slice(0, 10) : label?.validUntil;
  return fill(locale.t.mark[verdict.state], { date: date ? shortDate(locale, date) : '' });
}

/**
 * The face of the badge for one size. Every state carries its own sign and words; a level
 * is written out wherever it is drawn.
 */
export function face(verdict: Verdict, size: Size, locale: Locale, issuerHost: string): TemplateResult {
  const level = shownLevel(verdict);
  const levelName = level ? locale.t.levels[level] : '';
  const mark = html`<span class="mark">${icon(verdict.state)}<span>${markText(verdict, locale)}</span></span>`;
  const picture = seal(verdict.state, level);
  // Without a level the pill's mark alone carries the state's sign: one warning sign, not two.
  if (size === 'pill') return level ? html`${picture}<span class="level">${levelName}</span>${mark}` : mark;
  const checkAt = fill(locale.t.checkAt, { host: issuerHost });
  const printed = html`<span class="printed">${checkAt}</span>`;
  if (size === 'seal') return html`${picture}<span class="level">${levelName}</span>${mark}${printed}`;
  return html`${picture}<span class="lines"
    ><span class="programme ${level ? 'on-screen' : ''}">Cluster Management Excellence</span>${level ? printed : ''}
    ${level
      ? html`<span class="level">${levelName}</span>${mark}`
      : html`${mark}<span class="programme">${verdict.state === 'loading' ? '' : checkAt}</span>`}</span
  >`;
}
