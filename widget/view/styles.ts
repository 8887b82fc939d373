import { css } from 'lit';

/**
 * The badge's look. A host page's rules can match the element itself (`*`, `cluster-label`,
 * `!important`, `all: revert`) and those win over a plain `:host` rule; only `!important`
 * inside the shadow root wins over them. So `:host` holds the documented box with
 * `!important`, and everything is drawn inside `.root`, which starts from `all: initial` and
 * sets its own font, colour, line height and direction: nothing the host sets is inherited.
 * The custom properties below and `::part(badge|seal|dialog|link)` are the intended ways in.
 */
export const styles = css`
  :host {
    display: inline-block !important;
    box-sizing: content-box !important;
    width: 320px !important;
    height: 96px !important;
    min-width: 0 !important;
    min-height: 0 !important;
    max-width: none !important;
    max-height: none !important;
    padding: 0 !important;
    border: 0 !important;
    writing-mode: horizontal-tb !important;
    zoom: 1 !important;
    overflow: visible !important;
    vertical-align: middle;
  }
  :host([size='pill']) {
    width: 280px !important;
    height: 28px !important;
  }
  :host([size='seal']) {
    width: 152px !important;
    height: 188px !important;
  }
  :host([hidden]) {
    display: none !important;
  }
  .root {
    all: initial;
    --cl-bg: var(--cluster-label-background, #ffffff);
    --cl-fg: var(--cluster-label-color, #1b1f23);
    --cl-muted: var(--cluster-label-muted, #57606a);
    --cl-border: var(--cluster-label-border, #8c959f);
    --cl-ok: var(--cluster-label-ok, #1a7f37);
    --cl-warn: var(--cluster-label-warn, #8a5a00);
    --cl-bad: var(--cluster-label-bad, #c4111f);
    --cl-focus: var(--cluster-label-focus, #0969da);
    --cl-radius: var(--cluster-label-radius, 12px);
    display: block;
    width: 100%;
    height: 100%;
    font: 14px/1.3 var(--cluster-label-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif);
    color: var(--cl-fg);
    text-align: start;
    color-scheme: light;
  }
  :host([theme='dark']) .root {
    --cl-bg: var(--cluster-label-background, #161b22);
    --cl-fg: var(--cluster-label-color, #e6edf3);
    --cl-muted: var(--cluster-label-muted, #9198a1);
    --cl-border: var(--cluster-label-border, #6e7681);
    --cl-ok: var(--cluster-label-ok, #3fb950);
    --cl-warn: var(--cluster-label-warn, #d29922);
    --cl-bad: var(--cluster-label-bad, #ff7b72);
    --cl-focus: var(--cluster-label-focus, #58a6ff);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) .root {
      --cl-bg: var(--cluster-label-background, #161b22);
      --cl-fg: var(--cluster-label-color, #e6edf3);
      --cl-muted: var(--cluster-label-muted, #9198a1);
      --cl-border: var(--cluster-label-border, #6e7681);
      --cl-ok: var(--cluster-label-ok, #3fb950);
      --cl-warn: var(--cluster-label-warn, #d29922);
      --cl-bad: var(--cluster-label-bad, #ff7b72);
      --cl-focus: var(--cluster-label-focus, #58a6ff);
      color-scheme: dark;
    }
  }

  button {
    font: inherit;
    color: inherit;
    margin: 0;
    cursor: pointer;
  }
  .badge {
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    display: grid;
    grid-template-columns: 64px minmax(0, 1fr);
    align-items: center;
    column-gap: 10px;
    padding: 0 12px;
    background: var(--cl-bg);
    border: 1px solid var(--cl-border);
    border-radius: var(--cl-radius);
    text-align: start;
    overflow: hidden;
  }
  .badge:focus-visible,
  a:focus-visible,
  .close:focus-visible {
    outline: 2px solid var(--cl-focus);
    outline-offset: 2px;
  }
  .lines {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .lines > span,
  .mark {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .programme {
    font-size: 12px;
    color: var(--cl-muted);
  }
  .level {
    font-size: 18px;
    font-weight: 700;
  }
  .mark {
    display: flex;
    align-items: center;
    gap: 4px;
    font-size: 13px;
    font-weight: 600;
  }
  :host([size='pill']) .badge {
    display: flex;
    gap: 5px;
    padding: 0 8px 0 3px;
    border-radius: 14px;
  }
  :host([size='pill']) .badge .seal {
    flex: none;
    width: 22px;
    height: 22px;
  }
  /* As small as a README badge: the widest common sans-serif (DejaVu Sans) still fits. */
  :host([size='pill']) .level {
    font-size: 12px;
  }
  :host([size='pill']) .mark {
    font-size: 11px;
  }
  :host([size='seal']) .badge {
    display: flex;
    flex-direction: column;
    justify-content: center;
    gap: 4px;
    padding: 8px;
    text-align: center;
    border-radius: 72px 72px var(--cl-radius) var(--cl-radius);
  }
  :host([size='seal']) .badge .seal {
    width: 100px;
    height: 100px;
  }
  :host([size='seal']) .mark {
    display: block;
    white-space: normal;
    font-size: 12px;
  }
  :host([size='seal']) .mark .icon {
    vertical-align: -0.2em;
    margin-right: 3px;
  }
  :host([size='seal']) .level {
    font-size: 16px;
  }
  .seal {
    display: block;
    width: 64px;
    height: 64px;
  }
  .icon {
    flex: none;
    width: 1.1em;
    height: 1.1em;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.8;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .icon .fill,
  .sign .fill {
    fill: currentColor;
    stroke: none;
  }
  .icon .cut,
  .sign .cut {
    stroke: var(--cl-bg);
  }

  .rim { fill: var(--tone-dark); }
  .disc { fill: var(--tone-light); }
  .ring { fill: none; stroke: var(--tone-dark); stroke-width: 1.5; }
  .net { fill: none; stroke: var(--tone-dark); stroke-width: 3; stroke-linejoin: round; }
  .node, .star { fill: var(--tone-dark); }
  .bronze { --tone-dark: #7a4a1f; --tone-light: #d9a066; }
  .silver { --tone-dark: #5b636b; --tone-light: #d4d9de; }
  .gold { --tone-dark: #8a6500; --tone-light: #f0c850; }
  .strike { stroke: var(--cl-bad); stroke-width: 7; stroke-linecap: round; }
  .blank { fill: none; stroke: var(--cl-border); stroke-width: 2; stroke-dasharray: 6 5; }
  .sign {
    fill: none;
    stroke: currentColor;
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .printed { display: none; }
  /* On paper the badge proves nothing by itself: it names where to check it instead. */
  @media print {
    .printed { display: block; font-size: 11px; color: var(--cl-fg); }
    .on-screen { display: none; }
    :host([size='seal']) .badge .seal { width: 80px; height: 80px; }
  }

  .s-valid .mark, h2.s-valid { color: var(--cl-ok); }
  .s-expired .mark, .s-unknown .mark, .s-loading .mark { color: var(--cl-muted); }
  .s-expired .seal { filter: grayscale(1); opacity: 0.55; }
  .s-revoked .mark, h2.s-revoked { color: var(--cl-bad); }
  .s-revoked .level { text-decoration: line-through; }
  .s-invalid, .s-mismatch { color: var(--cl-warn); }
  .s-invalid .mark, .s-mismatch .mark, .s-invalid .level, .s-mismatch .level { color: var(--cl-warn); }

  @media (prefers-reduced-motion: no-preference) {
    .badge > * { animation: fade 0.2s ease-out; }
    @keyframes fade { from { opacity: 0; } }
  }

  dialog {
    box-sizing: border-box;
    /* Percentages of the viewport, not vw/vh: under CSS zoom these grow with the zoom and the
       dialog would outgrow the screen; the box scrolls inside instead. */
    width: min(34rem, calc(100% - 2rem));
    max-height: calc(100% - 2rem);
    overflow: auto;
    padding: 0;
    background: var(--cl-bg);
    color: var(--cl-fg);
    border: 1px solid var(--cl-border);
    border-radius: var(--cl-radius);
  }
  dialog::backdrop { background: rgb(0 0 0 / 0.55); }
  .sheet { padding: 20px 24px; }
  /* The same seal whichever size of badge opened the dialog. */
  header { display: flex; gap: 16px; align-items: flex-start; }
  header .seal { width: 64px; height: 64px; flex: none; }
  h2 { display: flex; gap: 6px; align-items: center; font-size: 18px; margin: 4px 0 6px; }
  .meaning { margin: 0; }
  .issuer { margin: 16px 0 0; color: var(--cl-muted); }
  .issuer strong { display: block; font: 700 20px/1.2 ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace; color: var(--cl-fg); word-break: break-all; }
  details { margin-top: 16px; }
  summary { cursor: pointer; font-weight: 600; margin-bottom: 6px; }
  summary:focus-visible { outline: 2px solid var(--cl-focus); outline-offset: 2px; }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; margin: 16px 0 0; }
  dt { color: var(--cl-muted); }
  /* A name or reason of any length wraps inside the dialog. */
  dd { margin: 0; overflow-wrap: anywhere; }
  ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 4px; }
  li { display: flex; gap: 8px; align-items: baseline; }
  li .icon { align-self: center; }
  .detail { color: var(--cl-muted); word-break: break-all; }
  .passed { color: var(--cl-ok); }
  .failed { color: var(--cl-warn); }
  .skipped { color: var(--cl-muted); }
  .actions { display: flex; flex-wrap: wrap; gap: 12px; justify-content: space-between; align-items: center; margin-top: 20px; }
  a { color: var(--cl-focus); font-weight: 600; }
  .close {
    padding: 6px 16px;
    background: var(--cl-bg);
    border: 1px solid var(--cl-border);
    border-radius: 8px;
  }
`;
