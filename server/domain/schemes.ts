import { fail } from '../errors.ts';
import { addMonths, endOfDay, endOfMonthAfter, utcDate } from './dates.ts';
import { hasUnsafeCharacters } from './text.ts';
import type { IsoDate, LabelStatus } from './types.ts';

/**
 * A programme whose marks the register records, as data: the ECEI's Bronze, Silver
 * and Gold label, a membership such as go-cluster's, or any other. Every rule a
 * label of the scheme follows — how long it holds, when it is renewed, how long an
 * expired one can still be, how a new level replaces the held one — is read from
 * here; no rule names a scheme.
 */
export interface Scheme {
  /** A lowercase slug, stable for ever: tokens, URLs and exports carry it. */
  id: string;
  /** `levels`: an ordered ladder (a higher level supersedes a lower one); `membership`: one level, held or not. */
  kind: 'levels' | 'membership';
  /** The programme's name, per language; `en` is required, others fall back to it. */
  name: Localised;
  /** Who awards it, as a signed statement names them. */
  issuer: string;
  /** Lowest first. A membership has exactly one. */
  levels: readonly SchemeLevel[];
  rules: SchemeRules;
}

export type Localised = Readonly<Record<string, string>> & { readonly en: string };

export interface SchemeLevel {
  /** A lowercase slug, unique in the scheme (`gold`, `member`). */
  id: string;
  name: Localised;
  /** Months a first award holds, to the end of the month. */
  validityMonths: number;
  /** Months a renewal adds to the previous end, to the end of the month. */
  renewalMonths: number;
  /** The seal we draw for it: one colour (`#rrggbb`, dark enough for white text) and an emblem of our own. */
  seal: { colour: string; emblem: Emblem };
}

export const EMBLEMS = ['stars', 'ring', 'check'] as const;
export type Emblem = (typeof EMBLEMS)[number];

export interface SchemeRules {
  /** How many months before its end a valid label may be renewed; `null`: at any time. */
  renewalWindowMonths: number | null;
  /** Months after its end during which an expired label may still be renewed; 0: none. */
  graceMonths: number;
}

/** A label of a scheme as the rules need it. */
export interface HeldLabel {
  level: string;
  validUntil: IsoDate;
  status: LabelStatus;
  assessmentRef: string | null;
}

export interface AwardInput {
  level: string;
  awarded?: IsoDate | undefined;
  validUntil?: IsoDate | undefined;
  assessmentRef?: string | undefined;
}

export interface RenewalInput {
  validUntil?: IsoDate | undefined;
  assessmentRef?: string | undefined;
}

export interface NewLabel {
  level: string;
  awarded: IsoDate;
  validUntil: IsoDate;
  assessmentRef: string | null;
}

// ── the rules ────────────────────────────────────────────────────────────

/** The status a label has at `now`: a `valid` row past its last day reads `expired`, swept or not. */
export function effectiveStatus(label: Pick<HeldLabel, 'status' | 'validUntil'>, now: Date): LabelStatus {
  return label.status === 'valid' && now >= endOfDay(label.validUntil) ? 'expired' : label.status;
}

/** The last day on which an expired label can still be renewed. */
export const graceEnds = (scheme: Scheme, label: Pick<HeldLabel, 'validUntil'>): IsoDate => addMonths(label.validUntil, scheme.rules.graceMonths);

/** The first day on which a valid label may be renewed. */
export const renewableFrom = (scheme: Scheme, label: Pick<HeldLabel, 'validUntil'>): IsoDate | undefined =>
  scheme.rules.renewalWindowMonths === null ? undefined : addMonths(label.validUntil, -scheme.rules.renewalWindowMonths);

/** A first label of the scheme, or a new one after an expired, withdrawn or revoked one. */
export function planAward(scheme: Scheme, current: HeldLabel | undefined, input: AwardInput, now: Date): NewLabel {
  if (current && effectiveStatus(current, now) === 'valid') {
    throw fail('label_already_held', { level: current.level, validUntil: current.validUntil });
  }
  return newLabel(scheme, input, now);
}

/** A higher level that replaces the held valid label, which stays in the history as superseded. */
export function planUpgrade(scheme: Scheme, current: HeldLabel | undefined, input: AwardInput, now: Date): NewLabel {
  const held = requireCurrent(current);
  if (scheme.kind === 'membership') throw fail('no_levels_to_upgrade', { scheme: scheme.id });
  if (effectiveStatus(held, now) !== 'valid') throw fail('label_not_valid', { level: held.level });
  if (rank(scheme, input.level) <= rank(scheme, held.level)) throw fail('not_an_upgrade', { level: held.level });
  return newLabel(scheme, input, now);
}

/** A renewal extends from the previous end: within the renewal window before it, or within the grace period after. */
export function planRenewal(scheme: Scheme, current: HeldLabel | undefined, input: RenewalInput, now: Date): { validUntil: IsoDate; assessmentRef: string | null } {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status !== 'valid' && status !== 'expired') throw fail('label_not_renewable', { status });
  const today = utcDate(now);
  const from = renewableFrom(scheme, held);
  if (status === 'valid' && from !== undefined && today < from) throw fail('renewal_too_early', { from });
  if (status === 'expired' && today > graceEnds(scheme, held)) throw fail('grace_period_over', { ended: graceEnds(scheme, held) });
  const validUntil = input.validUntil ?? endOfMonthAfter(held.validUntil, levelOf(scheme, held.level).renewalMonths);
  if (validUntil <= held.validUntil) throw fail('valid_until_not_later', { validUntil: held.validUntil });
  return { validUntil, assessmentRef: input.assessmentRef ?? held.assessmentRef };
}

/** Early revocation, for cause, of a valid or expired label. */
export function checkRevocable<L extends HeldLabel>(current: L | undefined, now: Date): L {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'revoked' || status === 'withdrawn') throw fail(`label_already_${status}`);
  return held;
}

/** Formal withdrawal of an expired label (a valid one is revoked, not withdrawn). */
export function checkWithdrawable<L extends HeldLabel>(current: L | undefined, now: Date): L {
  const held = requireCurrent(current);
  const status = effectiveStatus(held, now);
  if (status === 'valid') throw fail('label_not_expired', { validUntil: held.validUntil });
  if (status !== 'expired') throw fail(`label_already_${status}`);
  return held;
}

/** Whether an expired label is past its grace period: the office withdraws it formally. */
export const awaitsWithdrawal = (scheme: Scheme, label: HeldLabel, now: Date): boolean =>
  effectiveStatus(label, now) === 'expired' && utcDate(now) > graceEnds(scheme, label);

export function levelOf(scheme: Scheme, level: string): SchemeLevel {
  const found = scheme.levels.find((l) => l.id === level);
  if (!found) throw fail('unknown_level', { levels: scheme.levels.map((l) => l.id), value: level });
  return found;
}

const rank = (scheme: Scheme, level: string) => scheme.levels.indexOf(levelOf(scheme, level));

function newLabel(scheme: Scheme, input: AwardInput, now: Date): NewLabel {
  const level = levelOf(scheme, input.level);
  const today = utcDate(now);
  const awarded = input.awarded ?? today;
  if (awarded > today) throw fail('awarded_in_future', { awarded });
  const validUntil = input.validUntil ?? endOfMonthAfter(awarded, level.validityMonths);
  if (validUntil <= awarded) throw fail('valid_until_before_awarded', { validUntil, awarded });
  return { level: level.id, awarded, validUntil, assessmentRef: input.assessmentRef ?? null };
}

function requireCurrent<L extends HeldLabel>(current: L | undefined): L {
  if (!current) throw fail('no_current_label');
  return current;
}

// ── a scheme from an admin's hands ───────────────────────────────────────

/** A scheme's id: a lowercase slug of at most 32 characters, starting with a letter. */
export const SCHEME_ID = /^[a-z][a-z0-9-]{0,31}$/;
const COLOUR = /^#[0-9a-f]{6}$/;
const LANGUAGE = /^[a-z]{2}$/;

/**
 * A scheme as an admin sends it (API, console, CLI), checked whole: every field
 * present and of its kind, slugs unique, a membership with one level, the months
 * within reason, every seal colour dark enough to carry white text.
 */
export function parseScheme(input: unknown): Scheme {
  const o = object(input, 'scheme');
  const kind = o.kind;
  if (kind !== 'levels' && kind !== 'membership') throw fail('invalid_field', { field: 'kind', rule: 'must be "levels" or "membership"' });
  const levels = array(o.levels, 'levels').map((value, i) => parseLevel(value, `levels[${i}]`));
  if (levels.length === 0 || levels.length > 8) throw fail('invalid_field', { field: 'levels', rule: 'must hold from 1 to 8 levels' });
  if (kind === 'membership' && levels.length !== 1) throw fail('invalid_field', { field: 'levels', rule: 'of a membership must hold exactly one level' });
  const ids = levels.map((l) => l.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw fail('invalid_field', { field: 'levels', rule: `name the level "${twice}" twice` });
  const rules = object(o.rules, 'rules');
  return {
    id: slug(o.id, 'id'),
    kind,
    name: localised(o.name, 'name'),
    issuer: text(o.issuer, 'issuer', 200),
    levels,
    rules: {
      renewalWindowMonths: rules.renewalWindowMonths === null ? null : months(rules.renewalWindowMonths, 'rules.renewalWindowMonths', 0),
      graceMonths: months(rules.graceMonths, 'rules.graceMonths', 0),
    },
  };
}

function parseLevel(input: unknown, field: string): SchemeLevel {
  const o = object(input, field);
  const seal = object(o.seal, `${field}.seal`);
  const colour = seal.colour;
  if (typeof colour !== 'string' || !COLOUR.test(colour) || contrastWithWhite(colour) < 4.5) {
    throw fail('invalid_field', { field: `${field}.seal.colour`, rule: 'must be a colour #rrggbb dark enough for white text (contrast 4.5:1)' });
  }
  if (!EMBLEMS.includes(seal.emblem as Emblem)) throw fail('invalid_field', { field: `${field}.seal.emblem`, rule: `must be one of ${EMBLEMS.join(', ')}` });
  return {
    id: slug(o.id, `${field}.id`),
    name: localised(o.name, `${field}.name`),
    validityMonths: months(o.validityMonths, `${field}.validityMonths`, 1),
    renewalMonths: months(o.renewalMonths, `${field}.renewalMonths`, 1),
    seal: { colour, emblem: seal.emblem as Emblem },
  };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('invalid_field', { field, rule: 'must be an object' });
  return value as Record<string, unknown>;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw fail('invalid_field', { field, rule: 'must be a list' });
  return value;
}

function slug(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SCHEME_ID.test(value)) throw fail('invalid_field', { field, rule: 'must be a lowercase slug of letters, digits and hyphens (at most 32), starting with a letter' });
  return value;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || hasUnsafeCharacters(value)) {
    throw fail('invalid_field', { field, rule: `must be text of 1 to ${max} characters without control or bidi-override characters` });
  }
  return value.trim().normalize('NFC');
}

function localised(value: unknown, field: string): Localised {
  const o = object(value, field);
  const entries = Object.entries(o).map(([lang, name]) => {
    if (!LANGUAGE.test(lang)) throw fail('invalid_field', { field: `${field}.${lang.slice(0, 10)}`, rule: 'must be keyed by a two-letter language code' });
    return [lang, text(name, `${field}.${lang}`, 120)] as const;
  });
  const names = Object.fromEntries(entries);
  if (!names.en) throw fail('invalid_field', { field: `${field}.en`, rule: 'is required: English is every name’s fallback' });
  return names as Localised;
}

function months(value: unknown, field: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > 120) throw fail('invalid_field', { field, rule: `must be a whole number of months from ${min} to 120` });
  return value as number;
}

/** WCAG's contrast ratio of a colour against white. */
function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

// ── the schemes every registry starts with ───────────────────────────────

export const ECEI = 'ecei';

/**
 * The ECEI's Cluster Management Excellence Label with today's rules: three levels,
 * validity and renewal periods from the deployment's settings, renewal at any time
 * before the end and within a grace year after it. The default scheme: every
 * token, snippet and file that names no scheme means this one.
 */
export function eceiScheme(settings: {
  programmeName: string;
  issuerName: string;
  validityMonths: Record<'bronze' | 'silver' | 'gold', number>;
  renewalMonths: Record<'bronze' | 'silver' | 'gold', number>;
}): Scheme {
  const level = (id: 'bronze' | 'silver' | 'gold', en: string, de: string, colour: string): SchemeLevel => ({
    id,
    name: { en, de },
    validityMonths: settings.validityMonths[id],
    renewalMonths: settings.renewalMonths[id],
    seal: { colour, emblem: 'stars' },
  });
  return {
    id: ECEI,
    kind: 'levels',
    name: { en: settings.programmeName },
    issuer: settings.issuerName,
    levels: [level('bronze', 'Bronze', 'Bronze', '#8a572a'), level('silver', 'Silver', 'Silber', '#636b75'), level('gold', 'Gold', 'Gold', '#8a6d0b')],
    rules: { renewalWindowMonths: null, graceMonths: 12 },
  };
}
