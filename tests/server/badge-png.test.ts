import { describe, expect, it } from 'vitest';
import { PngRenderer } from '../../server/badge/png.ts';

const image = (text: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="28"><text x="2" y="18" font-size="11">${text}</text></svg>`;

describe('PNG rendering', () => {
  it('renders an image once and keeps it, dropping the least recently used past its limit', () => {
    const renderer = new PngRenderer();
    const first = renderer.render(image('first'));
    expect(renderer.render(image('first'))).toBe(first);
    const n0 = renderer.render(image('n0'));
    for (let i = 1; i < 499; i++) renderer.render(image(`n${i}`));
    // Used again, so the oldest now is n0; one more image pushes it out, and it is drawn anew.
    expect(renderer.render(image('first'))).toBe(first);
    renderer.render(image('one more'));
    expect(renderer.render(image('first'))).toBe(first);
    const again = renderer.render(image('n0'));
    expect(again).not.toBe(n0);
    expect(again.equals(n0)).toBe(true);
  });

  it('sets text in the system’s font: a word draws ink', () => {
    const renderer = new PngRenderer();
    expect(renderer.render(image('Gold')).equals(renderer.render(image('')))).toBe(false);
  });

  it('has the glyphs of every script the badge speaks: Greek and Cyrillic letters are drawn, not boxes', () => {
    const renderer = new PngRenderer();
    // A missing glyph draws the same box for every letter, so two different words of one length
    // would look alike; drawn glyphs differ.
    for (const [one, other] of [
      ['ΧΡΥΣΟ', 'ΑΡΓΥΡ'],
      ['ЗЛАТО', 'БРОНЗ'],
      ['ŽĮĖŲŠ', 'ĄČĘŪŽ'],
    ] as const) {
      expect(renderer.render(image(one)).equals(renderer.render(image(other))), `${one} / ${other}`).toBe(false);
    }
  });
});
