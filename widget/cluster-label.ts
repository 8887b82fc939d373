import { html, nothing } from 'lit/html.js';
import { BadgeElement, type Changes } from './badge-element.ts';
import { ECEI, type Verdict } from './check.ts';
import type { CheckEnv } from './env.ts';
import { nextCheckIn } from './schedule.ts';
import { sharedCheck } from './shared-check.ts';
import type { AttestationClaims } from './verify/claims.ts';
import type { LabelState } from './verify/state.ts';
import { dialogBody } from './view/dialog.ts';
import { face, shownLabel, type Size } from './view/face.ts';
import { BUNDLED, languageOf, shortDate, type Locale } from './view/i18n.ts';
import { css } from './view/styles.ts';

export interface ClusterLabelStateDetail {
  readonly state: LabelState;
  /** The verified claims; null unless the signature and the claims checks both passed. */
  readonly claims: AttestationClaims | null;
}

const SIZES: readonly string[] = ['pill', 'card', 'seal'];
const FOCUSABLE = 'a[href], button, summary';

/**
 * `<cluster-label cluster="ID">`: a Cluster Management Excellence badge checked in the
 * visitor's browser against the issuer it was loaded from. Attributes: `cluster` (required),
 * `scheme` (the scheme whose label it shows; default `ecei`, the Cluster Management Excellence Label),
 * `lang` (one of the 24 official EU languages; default the nearest `lang` in the page, else English), `theme` (`light` | `dark` |
 * `auto`), `size` (`pill` | `card` | `seal`). The verdict is the read-only `state`
 * attribute and the `cluster-label-state` event.
 *
 * The class knows its issuer only through `static env`; `define.ts` fills it from
 * `import.meta.url`, tests from their own issuer.
 */
export class ClusterLabel extends BadgeElement {
  static override css = css;
  // `lang` is observed only so a change re-renders; the language is read from the DOM.
  static override attributes = ['cluster', 'scheme', 'theme', 'size', 'lang'];

  /** The issuer this element checks against; set by the registering subclass. */
  static env: CheckEnv;

  /** The cluster id, as in the issuer's register. */
  declare cluster: string | null;
  /** The scheme whose label the badge shows; absent means the ECEI's (`ecei`). */
  declare scheme: string | null;
  declare theme: 'light' | 'dark' | 'auto' | null;
  declare size: Size | null;

  #verdict: Verdict | undefined;
  #run = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #announced: LabelState | undefined;
  #dialog: HTMLDialogElement | null = null;
  #opened = false;
  /** The words the badge is drawn in, and the language last asked for (its file may be on its way). */
  #locale: Locale = { language: 'en', t: BUNDLED.en };
  #asked = 'en';
  #localeReady: Promise<unknown> = Promise.resolve();

  get #env(): CheckEnv {
    return (this.constructor as typeof ClusterLabel).env;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The first check starts with the first update, once the attributes are in.
    if (this.hasUpdated) this.#check();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: Changes): void {
    this.#chooseLocale();
    if (!this.isConnected || (this.hasUpdated && !changed.has('cluster') && !changed.has('scheme'))) return;
    if (this.hasUpdated) this.#verdict = undefined;
    this.#check();
  }

  protected override updated(): void {
    const { state, claims } = this.#current;
    if (state === this.#announced) return;
    this.#announced = state;
    this.setAttribute('state', state);
    this.dispatchEvent(
      new CustomEvent<ClusterLabelStateDetail>('cluster-label-state', { bubbles: true, composed: true, detail: { state, claims } }),
    );
  }

  /**
   * The badge's language, from its own `lang` or the nearest in the page. A language not in
   * the bundle starts its request here, before the check that follows starts the token's.
   */
  #chooseLocale(): void {
    const language = languageOf(this.closest<HTMLElement>('[lang]')?.lang);
    if (language === this.#asked) return;
    this.#asked = language;
    const locale = this.#env.locale(language);
    if (!(locale instanceof Promise)) {
      this.#locale = locale;
      return;
    }
    this.#localeReady = locale.then((loaded) => {
      if (this.#asked !== language) return;
      this.#locale = loaded;
      this.requestUpdate();
    });
  }

  get #current(): Verdict {
    return this.#verdict ?? { state: 'loading', claims: null, code: null, kid: null, checkedAt: 0 };
  }

  #stop(): void {
    this.#run++;
    clearTimeout(this.#timer);
  }

  async #check(): Promise<void> {
    this.#stop();
    const run = this.#run;
    const checked = sharedCheck(this.#env, this.cluster ?? '', this.scheme ?? ECEI);
    // The verdict shows in the badge's own words: a language on its way is waited for. The
    // first date format on a page takes Chromium up to a tenth of a second; it is made here,
    // while the answers are on their way, not after they came.
    await this.#localeReady;
    shortDate(this.#locale, '2000-01-01');
    const verdict = await checked;
    if (run !== this.#run) return;
    this.#failures = verdict.state === 'unavailable' ? this.#failures + 1 : 0;
    this.#verdict = verdict;
    this.requestUpdate();
    const delay = nextCheckIn(verdict, this.#env.now(), this.#failures);
    if (delay !== null) this.#timer = setTimeout(() => this.#check(), delay);
  }

  #open(): void {
    if (!this.#opened) {
      // Drawn at the first opening, not before: most visitors never open it.
      this.#opened = true;
      this.requestUpdate();
      this.performUpdate();
    }
    this.#dialog = this.renderRoot.querySelector('dialog');
    this.#dialog?.showModal();
  }

  #onDialogClick(event: MouseEvent): void {
    const target = event.target as Element;
    // A click on the backdrop lands on the <dialog> itself; the sheet inside covers the rest.
    if (target === this.#dialog || target.closest('.close')) this.#dialog?.close();
  }

  #onDialogKey(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    // The modal dialog makes the page inert, but Tab could still leave for the browser's own
    // controls; keep it circling inside.
    const items = [...(this.#dialog?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    const active = this.shadowRoot?.activeElement;
    const edge = event.shiftKey ? items[0] : items[items.length - 1];
    if (active === edge) {
      event.preventDefault();
      (event.shiftKey ? items[items.length - 1] : items[0])?.focus();
    }
  }

  #onDialogClose(): void {
    this.renderRoot.querySelector<HTMLElement>('.badge')?.focus();
  }

  protected override render(): unknown {
    const verdict = this.#current;
    const env = this.#env;
    const locale = this.#locale;
    const size = SIZES.includes(this.size ?? '') ? (this.size as Size) : 'card';
    const host = new URL(env.issuer).host;
    const shown = shownLabel(verdict, this.scheme ?? ECEI, locale);
    // The badge's own language sets its direction; the host page's never reaches in.
    return html`<div class="root" lang=${locale.language} dir="ltr"><button class="badge s-${verdict.state}" part="badge" type="button" aria-haspopup="dialog" @click=${this.#open}>
        ${face(verdict, shown, size, locale, host)}
      </button>
      <dialog part="dialog" aria-labelledby="title" @click=${this.#onDialogClick} @keydown=${this.#onDialogKey} @close=${this.#onDialogClose}>
        ${this.#opened
          ? html`<div class="sheet">${dialogBody({ verdict, shown, locale, issuer: env.issuer, cluster: this.cluster ?? '', pageOrigin: env.pageOrigin() })}</div>`
          : nothing}
      </dialog></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cluster-label': ClusterLabel;
  }
  interface GlobalEventHandlersEventMap {
    'cluster-label-state': CustomEvent<ClusterLabelStateDetail>;
  }
}
