import decodeQR from '@paulmillr/qr/decode.js';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { qrSvg } from '../../server/routes/pages/qr.ts';

/** Draws the SVG as pixels and reads it back with an independent QR decoder. */
function read(svg: string): string {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: 400 } }).render();
  return decodeQR({ width: image.width, height: image.height, data: image.pixels });
}

describe('the verification page’s QR code', () => {
  it('reads back as the address it was made for, short and long', () => {
    for (const url of ['https://issuer.test/clusters/nordlicht', `https://label.cluster-excellence.example/clusters/${'a'.repeat(60)}`]) {
      expect(read(qrSvg(url, 'x'))).toBe(url);
    }
  });

  it('is an image with a text alternative, escaped', () => {
    const svg = qrSvg('https://issuer.test/clusters/x', 'Address "of" <this> page');
    expect(svg).toMatch(/^<svg class="qr" [^>]*role="img" aria-label="Address &#34;of&#34; &#60;this&#62; page"/);
  });
});
