import { html, type TemplateResult } from 'lit/html.js';
import { ECEI, type Verdict } from '../check.ts';
import { schemeName, schemeText, sealOf } from '../verify/schemes.ts';
import { fill, FULL_NAMES, shortDate, type Locale } from './i18n.ts';
import { icon } from './icons.ts';
import { eceiLook, seal, type SealLook } from './seal.ts';

export type Size = 'pill' | 'card' | 'seal';

/** What a badge writes and draws of its scheme and label. */
export interface Shown {
  /** The programme's name: the card's first line. */
  readonly programme: string;
  /** The level's name, its full name with the programme's, and its seal: only for a label the issuer vouched for on this site. */
  readonly level?: string;
  readonly fullName?: string;
  readonly look?: SealLook;
  /** Who awards a scheme other than the ECEI's. */
  readonly issuer?: string;
}

/**
 * What the badge shows of `scheme` (the element's attribute) for a verdict: the programme's
 * name, and the level, its full name and seal only for `valid`, `expired` or `revoked` — the
 * label the verdict is about, so a badge of one scheme never shows another's. A scheme's
 * words come from the issuer's list in the badge's language (English, then the id, where
 * it has none); before the list is read the programme is written as the attribute says.
 */
export function shownLabel(verdict: Verdict, scheme: string, locale: Locale): Shown {
  const { state, label, scheme: known } = verdict;
  const programme = scheme === ECEI ? 'Cluster Management Excellence' : schemeName(known?.name, locale.language, scheme);
  if (state !== 'valid' && state !== 'expired' && state !== 'revoked') return { programme };
  if (scheme === ECEI) {
    const level = verdict.claims?.label.level;
    return level ? { programme, level: locale.t.levels[level], fullName: FULL_NAMES[level], look: eceiLook(level) } : { programme };
  }
  const index = known?.levels.findIndex((level) => level.id === label?.level) ?? -1;
  const level = known?.levels[index];
  if (!level) return { programme };
  const name = schemeName(level.name, locale.language, level.id);
  return {
    programme,
    level: name,
    fullName: `${programme} – ${name}`,
    look: { tone: 'scheme', ...sealOf(level), stars: Math.min(index + 1, 3) },
    issuer: schemeText(known?.issuer),
  };
}

/** The badge's short status line, with the date it concerns. */
export function markText(verdict: Verdict, locale: Locale): string {
  const { label } = verdict;
  const date = verdict.state === 'revoked' ? label?.revokedAt?.slice(0, 10) : label?.validUntil;
  return fill(locale.t.mark[verdict.state], { date: date ? shortDate(locale, date) : '' });
}

/**
 * The face of the badge for one size. Every state carries its own sign and words; a level
 * is written out wherever it is drawn.
 */
export function face(verdict: Verdict, shown: Shown, size: Size, locale: Locale, issuerHost: string): TemplateResult {
  const { level } = shown;
  const mark = html`<span class="mark">${icon(verdict.state)}<span>${markText(verdict, locale)}</span></span>`;
  const picture = seal(verdict.state, shown.look ?? null);
  // Without a level the pill's mark alone carries the state's sign: one warning sign, not two.
  if (size === 'pill') return level ? html`${picture}<span class="level">${level}</span>${mark}` : mark;
  const checkAt = fill(locale.t.checkAt, { host: issuerHost });
  const printed = html`<span class="printed">${checkAt}</span>`;
  if (size === 'seal') return html`${picture}<span class="level">${level ?? ''}</span>${mark}${printed}`;
  return html`${picture}<span class="lines"
    ><span class="programme ${level ? 'on-screen' : ''}">${shown.programme}</span>${level ? printed : ''}
    ${level
      ? html`<span class="level">${level}</span>${mark}`
      : html`${mark}<span class="programme">${verdict.state === 'loading' ? '' : checkAt}</span>`}</span
  >`;
}
