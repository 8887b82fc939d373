import type { LabelClaim } from '../domain/claims.ts';
import { isLevel, type Level, type TokenStatus } from '../domain/types.ts';
import { catalogueOf, fill, type Lang } from '../languages.ts';

/** A language of the catalogue (`locales/`). */
export type BadgeLang = Lang;

export interface BadgeInput {
  programmeName: string;
  clusterName: string;
  /** The verification page the title points to. */
  pageUrl: string;
  /** The current label, or null for an id the register does not know. */
  label: LabelClaim<string> | null;
  lang: BadgeLang;
  /**
   * A label of another scheme than the ECEI's: its level's name in the badge's language
   * and its seal colour, both from the scheme (`programmeName` is then the scheme's name).
   */
  level?: { name: string; colour: string } | undefined;
}

// Metal tones live in the seal only; every text sits on a light or dark field with at least 4.5:1.
const SEAL: Record<Level, string> = { bronze: '#8a572a', silver: '#636b75', gold: '#8a6d0b' };
const FIELD: Record<TokenStatus, { fill: string; ink: string; seal?: string }> = {
  valid: { fill: '#e8f3ea', ink: '#12361d' },
  expired: { fill: '#e4e4e4', ink: '#3b3b3b', seal: '#808080' },
  revoked: { fill: '#fbe9e9', ink: '#7a1014', seal: '#9c1c20' },
  none: { fill: '#eceff3', ink: '#2b3440', seal: '#808080' },
};
const NAME_FIELD = { fill: '#243040', ink: '#ffffff' };

// Each state has its own sign in the seal, so none depends on colour.
const SIGNS: Record<TokenStatus, string> = {
  valid: '<path d="M9 14.5l3.3 3.3L19.2 11" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>',
  expired: '<circle cx="14" cy="14" r="5.6" fill="none" stroke="#fff" stroke-width="1.8"/><path d="M14 10.8v3.4l2.4 1.6" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>',
  revoked: '<path d="M10.2 10.2l7.6 7.6M17.8 10.2l-7.6 7.6" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/>',
  none: '<path d="M10 14h8" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/>',
};

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * An estimate of the text's width at 11 px in a Verdana-like face. `textLength`
 * then fits the glyphs to it exactly, so no font on the viewer's side can make
 * the text overflow the pill.
 */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch === ' ') width += 3.9;
    // Capitals of any script (Greek and Cyrillic too) are as wide as Latin ones.
    else if (/[0-9]/.test(ch) || ch !== ch.toLowerCase()) width += 7.6;
    else if (/[-.:·]/.test(ch)) width += 4.4;
    else width += 6.4;
  }
  return Math.ceil(width);
}

/**
 * The words of the status part: the level, if any, in capitals as the language writes them,
 * and what holds of it. Dates stay ISO (`2027-03-31`): every language reads them alike, and
 * they keep the image short.
 */
export function badgeWords(label: LabelClaim<string> | null, lang: BadgeLang, levelName?: string): { level: string | undefined; state: string } {
  const { badge: words, levels, intl } = catalogueOf(lang);
  if (!label) return { level: undefined, state: words.unregistered };
  const name = levelName ?? (label.level !== undefined && isLevel(label.level) ? levels[label.level] : label.level);
  const level = name?.toLocaleUpperCase(intl);
  switch (label.status) {
    case 'valid':
      return { level, state: fill(words.valid, { date: label.validUntil! }) };
    case 'expired':
      return { level, state: fill(words.expired, { date: label.validUntil! }) };
    case 'revoked':
      return { level, state: fill(words.revoked, { date: label.revokedAt!.slice(0, 10) }) };
    case 'none':
      return { level: undefined, state: words.none };
  }
}

/** The text alternative: everything the image says, and where to check it. */
export function badgeTitle(input: BadgeInput): string {
  const { level, state } = badgeWords(input.label, input.lang, input.level?.name);
  return `${input.programmeName} — ${input.clusterName}: ${level ? `${level}, ` : ''}${state}. ${fill(catalogueOf(input.lang).badge.verify, { address: input.pageUrl })}`;
}

/**
 * The label's current status as a pill-shaped SVG, 28 px high, with our own seal
 * (never the official artwork). Every text is escaped.
 *
 * @example drawBadge({ programmeName, clusterName: 'Nordlicht', pageUrl, label: { status: 'valid', level: 'gold', validUntil: '2027-03-31' }, lang: 'en' })
 */
export function drawBadge(input: BadgeInput): string {
  const status = input.label?.status ?? 'none';
  const field = FIELD[status];
  const { level, state } = badgeWords(input.label, input.lang, input.level?.name);
  const held = input.label?.level;
  const seal = field.seal ?? input.level?.colour ?? (held !== undefined && isLevel(held) ? SEAL[held] : FIELD.none.seal);

  const nameWidth = textWidth(input.programmeName);
  const nameStart = 30;
  const split = nameStart + nameWidth + 10;
  const levelWidth = level ? textWidth(level) : 0;
  const levelStart = split + 10;
  const stateStart = levelStart + (level ? levelWidth + 7 : 0);
  const stateWidth = textWidth(state);
  const width = stateStart + stateWidth + 14;
  const title = escapeXml(badgeTitle(input));

  const text = (x: number, length: number, content: string, fill: string, weight = 'normal') =>
    `<text x="${x}" y="18" fill="${fill}" font-weight="${weight}" textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(content)}</text>`;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="28" viewBox="0 0 ${width} 28" role="img" aria-labelledby="title">`,
    `<title id="title">${title}</title>`,
    `<clipPath id="pill"><rect width="${width}" height="28" rx="14"/></clipPath>`,
    `<g clip-path="url(#pill)">`,
    `<rect width="${split}" height="28" fill="${NAME_FIELD.fill}"/>`,
    `<rect x="${split}" width="${width - split}" height="28" fill="${field.fill}"/>`,
    `</g>`,
    `<circle cx="14" cy="14" r="10.5" fill="${seal}" stroke="#fff" stroke-width="1.2"/>`,
    SIGNS[status],
    `<g font-family="Verdana,'DejaVu Sans',Geneva,sans-serif" font-size="11">`,
    text(nameStart, nameWidth, input.programmeName, NAME_FIELD.ink),
    level ? text(levelStart, levelWidth, level, field.ink, 'bold') : '',
    // A revoked level is struck through, as the widget draws it.
    level && status === 'revoked' ? `<path d="M${levelStart - 1} 14.5h${levelWidth + 2}" stroke="${field.ink}" stroke-width="1.4"/>` : '',
    text(stateStart, stateWidth, state, field.ink),
    `</g>`,
    `</svg>`,
  ].join('');
}
