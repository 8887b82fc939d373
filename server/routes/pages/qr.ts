import { encode } from 'uqr';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * A QR code for `text` as a small inline SVG: one path of horizontal runs, one unit a module,
 * with the four-module quiet zone readers need. Error correction M survives a smudged print.
 *
 * @example qrSvg('https://issuer.example/clusters/nordlicht', 'Address of this page')
 */
export function qrSvg(text: string, label: string): string {
  const { data } = encode(text, { ecc: 'M', border: 4 });
  const size = data.length;
  let path = '';
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      path += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`;
    }
  });
  return (
    `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${escapeXml(label)}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}
