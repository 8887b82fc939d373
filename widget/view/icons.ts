import { svg, type SVGTemplateResult } from 'lit/html.js';
import type { LabelState } from '../verify/state.ts';

/**
 * One shape per state, drawn in a 16×16 box, so no state depends on colour to be told
 * apart: a check, a clock, a cross, a warning sign, a question mark, a dash.
 */
export const ICONS: Readonly<Record<LabelState, SVGTemplateResult>> = {
  loading: svg``,
  valid: svg`<path d="M3 8.5l3.2 3.2L13 4.5"/>`,
  expired: svg`<circle cx="8" cy="8" r="6.2"/><path d="M8 4.5V8l2.6 1.6"/>`,
  revoked: svg`<path d="M3.5 3.5l9 9m0-9l-9 9"/>`,
  invalid: svg`<path class="fill" d="M8 1.3l7 13H1z"/><path class="cut" d="M8 6v4.2m0 2v.1"/>`,
  mismatch: svg`<path class="fill" d="M8 1.3l7 13H1z"/><path class="cut" d="M8 6v4.2m0 2v.1"/>`,
  unavailable: svg`<circle cx="8" cy="8" r="6.2"/><path d="M6 6.3a2 2 0 1 1 2.8 1.8c-.5.3-.8.7-.8 1.4m0 2.1v.1"/>`,
  unknown: svg`<circle cx="8" cy="8" r="6.2" stroke-dasharray="2.4 2"/><path d="M5.2 8h5.6"/>`,
};

export function icon(state: LabelState): SVGTemplateResult {
  return svg`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${ICONS[state]}</svg>`;
}
