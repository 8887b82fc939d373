import { VerifyError } from './errors.ts';

/** What a level's seal carries inside its ring. */
export type Emblem = 'stars' | 'ring' | 'check';

/**
 * A scheme as the issuer's public `GET /v1/schemes` lists it (docs/schemes.md). The list is
 * not signed and its words reach the page, so only the ids are known to be strings: every
 * other field is read through {@link schemeName}, {@link schemeText} and {@link sealOf}, which make it harmless.
 */
export interface Scheme {
  readonly id: string;
  readonly name?: unknown;
  readonly issuer?: unknown;
  /** Lowest first. */
  readonly levels: readonly SchemeLevel[];
}

export interface SchemeLevel {
  readonly id: string;
  readonly name?: unknown;
  readonly seal?: unknown;
}

type Fields = Readonly<Record<string, unknown>>;
const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const record = (value: unknown): Fields => (isRecord(value) ? value : {});
const hasId = (value: unknown): value is { readonly id: string } => typeof record(value).id === 'string';
const isScheme = (value: unknown): value is Scheme => hasId(value) && Array.isArray(record(value).levels);

/**
 * Reads the issuer's scheme list: the schemes with a string `id` and a list of `levels`, each
 * level without a string `id` left out. Not a list at all is `ERR_SCHEMES_UNREADABLE`
 * (`unavailable`). The list decides nothing a token states; it names a scheme's levels and
 * their look.
 *
 * @example const kompass = readSchemes(await response.json()).find((s) => s.id === 'kompass');
 */
export function readSchemes(json: unknown): readonly Scheme[] {
  const { schemes } = record(json);
  if (!Array.isArray(schemes)) throw new VerifyError('ERR_SCHEMES_UNREADABLE', 'unavailable');
  return schemes.filter(isScheme).map((scheme) => ({ ...scheme, levels: scheme.levels.filter(hasId) }));
}

/** The longest text of the list the badge writes out. */
const MAX_TEXT = 100;

/** A text of the list (`issuer`): a string, cut to {@link MAX_TEXT} characters, else empty. */
export const schemeText = (value: unknown): string => (typeof value === 'string' ? value.slice(0, MAX_TEXT) : '');

/**
 * A scheme's or level's `name` in `language`, else in English, else `fallback` (an id), each
 * cut like any text. The badge writes it, like every text of the list, with text bindings only.
 *
 * @example schemeName(kompass.name, 'de', kompass.id) // 'Kompass-Clusternetzwerk'
 */
export const schemeName = (names: unknown, language: string, fallback: string): string =>
  schemeText(record(names)[language]) || schemeText(record(names).en) || schemeText(fallback);

const EMBLEMS: readonly unknown[] = ['stars', 'ring', 'check'];
/** The seal's colour when the list's is not `#rrggbb`: a grey that reads as no programme's. */
const NEUTRAL = '#6e7781';
const isEmblem = (value: unknown): value is Emblem => EMBLEMS.includes(value);

/** A level's seal: its colour if it is `#rrggbb`, else a neutral grey; its emblem if one of the three, else `ring`. */
export function sealOf(level: SchemeLevel): { readonly colour: string; readonly emblem: Emblem } {
  const { colour, emblem } = record(level.seal);
  return { colour: typeof colour === 'string' && /^#[0-9a-f]{6}$/.test(colour) ? colour : NEUTRAL, emblem: isEmblem(emblem) ? emblem : 'ring' };
}
