import { render } from 'lit/html.js';

/** The names of the attributes that changed since the last update. */
export type Changes = ReadonlySet<string>;

const sheets = new Map<string, CSSStyleSheet>();

/**
 * The little of a Lit element the badge uses, on lit-html alone: attribute-backed properties,
 * at most one update per microtask, rendered into an open shadow root that adopts one
 * constructable stylesheet (no inline style, for a strict CSP), Lit's hooks (`willUpdate`,
 * `render`, `updated`), `requestUpdate`, `performUpdate` and `updateComplete`. Lit's
 * ReactiveElement does this and much the badge never needs, for a kilobyte and a half more
 * in a file every visitor loads (the budget in tests/budget).
 *
 * @example class Badge extends BadgeElement { static override attributes = ['cluster']; declare cluster: string | null; … }
 */
export abstract class BadgeElement extends HTMLElement {
  /** The attributes whose changes update the element; each is a property too (`el.size = 'pill'` sets the attribute). */
  static attributes: readonly string[] = [];
  /** The element's stylesheet, as CSS text. */
  static css = '';

  static get observedAttributes(): readonly string[] {
    for (const name of this.attributes) {
      if (name in this.prototype) continue;
      Object.defineProperty(this.prototype, name, {
        get(this: HTMLElement) {
          return this.getAttribute(name);
        },
        set(this: HTMLElement, value: string | null) {
          if (value === null || value === undefined) this.removeAttribute(name);
          else this.setAttribute(name, value);
        },
      });
    }
    return this.attributes;
  }

  /** Whether the element has rendered at least once. */
  hasUpdated = false;
  #changed = new Set<string>();
  #dirty = false;
  #update: Promise<void> | undefined;

  /** The shadow root the element renders into. */
  get renderRoot(): ShadowRoot {
    return this.shadowRoot ?? this.#attachRoot();
  }

  /** Made at the first connection, as Lit makes it: the host's own box applies from then on. */
  #attachRoot(): ShadowRoot {
    const { css } = this.constructor as typeof BadgeElement;
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    return root;
  }

  connectedCallback(): void {
    if (!this.shadowRoot) this.#attachRoot();
    this.requestUpdate();
  }

  disconnectedCallback(): void {}

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old !== value) this.requestUpdate(name);
  }

  /** Asks for an update in a microtask, noting what changed; a disconnected element waits until it is connected again. */
  requestUpdate(changed?: string): void {
    if (changed) this.#changed.add(changed);
    this.#dirty = true;
    this.#update ??= Promise.resolve().then(() => {
      this.#update = undefined;
      if (this.#dirty && this.isConnected) this.performUpdate();
    });
  }

  /** Updates now: `willUpdate`, `render` into the shadow root, then `updated`. */
  performUpdate(): void {
    const changed = this.#changed;
    this.#changed = new Set();
    this.#dirty = false;
    this.willUpdate(changed);
    render(this.render(), this.renderRoot, { host: this });
    this.hasUpdated = true;
    this.updated(changed);
  }

  /** Resolves once no update is pending, including any that an update asked for. */
  get updateComplete(): Promise<boolean> {
    return (async () => {
      while (this.#update) await this.#update;
      return true;
    })();
  }

  protected willUpdate(_changed: Changes): void {}
  protected abstract render(): unknown;
  protected updated(_changed: Changes): void {}
}
