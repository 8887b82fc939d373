import { fail } from '../errors.ts';
import { isIsoDate } from './dates.ts';
import { effectiveStatus, type AwardInput as SchemeAwardInput, type RenewalInput } from './schemes.ts';
import { isLevel, LEVELS, type IsoDate, type Label, type Level, type TokenStatus } from './types.ts';
import { hasUnsafeCharacters } from './text.ts';

/** What a token says of a cluster whose current label is `label`. */
export function tokenStatus(label: Pick<Label, 'status' | 'validUntil'> | undefined, now: Date): TokenStatus {
  if (!label) return 'none';
  const status = effectiveStatus(label, now);
  if (status === 'valid' || status === 'revoked') return status;
  // `withdrawn` reads `expired`; a `superseded` label is never current.
  return 'expired';
}

/** An award as the forms, the API and the command line send it today: a level of the ECEI scheme. */
type AwardInput = SchemeAwardInput & { level: Level };

// ── input, from JSON, forms and command lines alike ──────────────────────

const absent = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function optionalDate(value: unknown, field: string): IsoDate | undefined {
  if (absent(value)) return undefined;
  const date = typeof value === 'string' ? value.trim() : value;
  if (!isIsoDate(date)) throw fail('invalid_date', { field, value });
  return date;
}

function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw fail('invalid_field', { field, rule: 'must be text' });
  const trimmed = value.trim();
  if (trimmed.length > max || hasUnsafeCharacters(trimmed)) {
    throw fail('invalid_field', { field, rule: `must be at most ${max} characters without control, bidi-override or unpaired surrogate characters` });
  }
  return trimmed;
}

/** The fields of an award or an upgrade; empty values count as absent. */
export function parseAwardInput(input: Record<string, unknown>): AwardInput {
  if (absent(input.level)) throw fail('missing_field', { field: 'level' });
  if (!isLevel(input.level)) throw fail('unknown_level', { levels: LEVELS, value: input.level });
  return {
    level: input.level,
    awarded: optionalDate(input.awarded, 'awarded'),
    validUntil: optionalDate(input.validUntil, 'validUntil'),
    assessmentRef: optionalText(input.assessmentRef, 'assessmentRef', 100),
  };
}

/** The fields of a renewal. */
export function parseRenewalInput(input: Record<string, unknown>): RenewalInput {
  return { validUntil: optionalDate(input.validUntil, 'validUntil'), assessmentRef: optionalText(input.assessmentRef, 'assessmentRef', 100) };
}
