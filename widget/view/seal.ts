import { nothing, svg, type SVGTemplateResult } from 'lit/html.js';
import type { Level } from '../verify/claims.ts';
import type { Emblem } from '../verify/schemes.ts';
import type { LabelState } from '../verify/state.ts';
import { ICONS } from './icons.ts';

/** How a held label's seal looks: its tones (an ECEI metal's class, or `scheme` in `colour`) and its emblem. */
export interface SealLook {
  /** A class of the styles: `bronze`, `silver`, `gold`, or `scheme` (tones from `colour`). */
  readonly tone: string;
  /** `#rrggbb`, only for `scheme`. */
  readonly colour?: string;
  readonly emblem: Emblem;
  /** For `stars`: how many, 1 to 3. */
  readonly stars: number;
}

/** Our own seal: a 24-point rosette, a disc, a ring, and inside it the emblem. */
const ROSETTE = Array.from({ length: 48 }, (_, i) => {
  const a = (Math.PI * i) / 24;
  const r = i % 2 ? 45 : 50;
  return `${(50 + r * Math.sin(a)).toFixed(1)},${(50 - r * Math.cos(a)).toFixed(1)}`;
}).join(' ');

const STAR = 'M0-5l1.2 3.4h3.6l-2.9 2.2 1.1 3.5L0 2 -3 4.1l1.1-3.5-2.9-2.2h3.6z';
/** Where one, two or three stars stand. */
const STARS: readonly (readonly (readonly [number, number])[])[] = [
  [[50, 27]],
  [
    [43, 28],
    [57, 28],
  ],
  [
    [38, 30],
    [50, 25],
    [62, 30],
  ],
];

/** The ECEI's levels: one star for Bronze, two for Silver, three for Gold, over a small network of three nodes. */
export const eceiLook = (level: Level): SealLook => ({ tone: level, emblem: 'stars', stars: level === 'gold' ? 3 : level === 'silver' ? 2 : 1 });

const EMBLEMS: Readonly<Record<Emblem, (stars: number) => SVGTemplateResult>> = {
  stars: (stars) =>
    svg`<path class="net" d="M38 62L50 45l12 17z"/><circle class="node" cx="38" cy="62" r="4.5"/><circle class="node" cx="50" cy="45" r="4.5"/><circle class="node" cx="62" cy="62" r="4.5"/>
${(STARS[stars - 1] ?? []).map(([x, y]) => svg`<path class="star" transform="translate(${x} ${y})" d=${STAR}/>`)}`,
  ring: () => svg`<circle class="emblem" cx="50" cy="50" r="16"/>`,
  check: () => svg`<path class="emblem" d="M34 51l11 11 21-23"/>`,
};

/**
 * The seal for a held label, or — when no label is shown — a plain disc carrying the state's
 * sign, so a failure can never be mistaken for a held label. `expired` and `revoked` keep
 * the level (the badge says it is no longer held); their greying and strike are in the styles.
 * A scheme's colour is a presentation attribute, not a style: a strict CSP allows it.
 */
export function seal(state: LabelState, look: SealLook | null): SVGTemplateResult {
  const body = look
    ? svg`<polygon class="rim" points=${ROSETTE}/><circle class="disc" cx="50" cy="50" r="40"/>
<circle class="ring" cx="50" cy="50" r="34"/>
${EMBLEMS[look.emblem](look.stars)}
${state === 'revoked' ? svg`<path class="strike" d="M14 86L86 14"/>` : ''}`
    : svg`<circle class="blank" cx="50" cy="50" r="46"/><g class="sign" transform="translate(26 26) scale(3)">${ICONS[state]}</g>`;
  return svg`<svg class="seal ${look?.tone ?? 'none'}" color=${look?.colour ?? nothing} part="seal" viewBox="0 0 100 100" aria-hidden="true" focusable="false">${body}</svg>`;
}
