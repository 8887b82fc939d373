import { svg, type SVGTemplateResult } from 'lit/html.js';
import type { Level } from '../verify/claims.ts';
import type { LabelState } from '../verify/state.ts';
import { ICONS } from './icons.ts';

/** Our own seal: a 24-point rosette, a disc, a ring, a small network of three nodes, and one star per level. */
const ROSETTE = Array.from({ length: 48 }, (_, i) => {
  const a = (Math.PI * i) / 24;
  const r = i % 2 ? 45 : 50;
  return `${(50 + r * Math.sin(a)).toFixed(1)},${(50 - r * Math.cos(a)).toFixed(1)}`;
}).join(' ');

const STAR = 'M0-5l1.2 3.4h3.6l-2.9 2.2 1.1 3.5L0 2 -3 4.1l1.1-3.5-2.9-2.2h3.6z';
const STARS: Readonly<Record<Level, readonly (readonly [number, number])[]>> = {
  bronze: [[50, 27]],
  silver: [
    [43, 28],
    [57, 28],
  ],
  gold: [
    [38, 30],
    [50, 25],
    [62, 30],
  ],
};

/**
 * The seal for a level, or — when no label is shown — a plain disc carrying the state's
 * sign, so a failure can never be mistaken for a held label. `expired` and `revoked` keep
 * the level (the badge says it is no longer held); their greying and strike are in the styles.
 */
export function seal(state: LabelState, level: Level | null): SVGTemplateResult {
  const body = level
    ? svg`<polygon class="rim" points=${ROSETTE}/><circle class="disc" cx="50" cy="50" r="40"/>
<circle class="ring" cx="50" cy="50" r="34"/>
<path class="net" d="M38 62L50 45l12 17z"/><circle class="node" cx="38" cy="62" r="4.5"/><circle class="node" cx="50" cy="45" r="4.5"/><circle class="node" cx="62" cy="62" r="4.5"/>
${STARS[level].map(([x, y]) => svg`<path class="star" transform="translate(${x} ${y})" d=${STAR}/>`)}
${state === 'revoked' ? svg`<path class="strike" d="M14 86L86 14"/>` : ''}`
    : svg`<circle class="blank" cx="50" cy="50" r="46"/><g class="sign" transform="translate(26 26) scale(3)">${ICONS[state]}</g>`;
  return svg`<svg class="seal ${level ?? 'none'}" part="seal" viewBox="0 0 100 100" aria-hidden="true" focusable="false">${body}</svg>`;
}
