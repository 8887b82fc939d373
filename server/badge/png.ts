import { Resvg } from '@resvg/resvg-js';

/** How many rendered images one instance keeps; each is a few kilobytes. */
const KEEP = 500;

/**
 * The badge's SVG as a PNG at twice its size (sharp on high-density screens and in print),
 * for mail clients that block SVG. Rendering takes milliseconds and an image changes only
 * with the label, so each is rendered once and kept, the least recently used dropped first.
 * The text is set in the system's fonts (DejaVu Sans on Debian, else the default sans-serif).
 */
export class PngRenderer {
  readonly #kept = new Map<string, Buffer>();

  render(svg: string): Buffer {
    const kept = this.#kept.get(svg);
    if (kept) {
      // Re-inserted so the Map's order stays the order of last use.
      this.#kept.delete(svg);
      this.#kept.set(svg, kept);
      return kept;
    }
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
    this.#kept.set(svg, png);
    if (this.#kept.size > KEEP) this.#kept.delete(this.#kept.keys().next().value!);
    return png;
  }
}
