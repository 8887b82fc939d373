import * as z from 'zod';
import { COUNTRY, EMAIL, MAX_SITES, parseSite, SLUG } from '../domain/clusters.ts';
import { isIsoDate } from '../domain/dates.ts';
import { hasUnsafeCharacters } from '../domain/text.ts';
import { LEVELS } from '../domain/types.ts';
import { fail, LabelError } from '../errors.ts';
import { parseScheme } from '../domain/schemes.ts';

const SCHEME_SLUG = /^[a-z][a-z0-9-]{0,31}$/;
import { refusalIssue, refusedAs } from './refusals.ts';
import { Scheme } from './responses.ts';

/*
 * What the admin API accepts, one schema per request body: the API validates with them,
 * the OpenAPI document is drawn from them, and the console's forms can take them as they
 * are (empty text counts as absent, as a form sends it). Text is NFC-normalised and
 * trimmed before it is measured.
 */

const absent = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Text of at most `max` characters, NFC, trimmed, without control, bidi-override or lone surrogate characters. */
const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .normalize('NFC')
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasUnsafeCharacters(value), 'contains control, bidi-override or unpaired surrogate characters');

/** Text that must be given: empty or absent is `missing_field`. */
const requiredText = (max: number) =>
  refusedAs(text(max).min(1), (value, field, issue) => (absent(value) ? fail('missing_field', { field }) : fail('invalid_field', { field, rule: issue.message })));

/** Text that may be left out; empty, `null` and absent read as `''`. */
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((value) => value ?? '');

/** A calendar date, `YYYY-MM-DD`; empty, `null` and absent read as not given. */
const optionalDate = refusedAs(
  z
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/)
    .refine((value) => value === '' || isIsoDate(value))
    .nullish()
    .transform((value) => value || undefined),
  (value, field) => fail('invalid_date', { field, value }),
);

const assessmentRef = optionalText(100)
  .transform((value) => value || undefined)
  .describe('The assessment’s reference, such as ESCA-2026-0142.');

const clusterId = refusedAs(z.string().regex(SLUG), () => fail('invalid_cluster_id')).describe('Lowercase slug of letters, digits and hyphens; cannot be changed later.');

const country = refusedAs(z.string().trim().toUpperCase().regex(COUNTRY), () => fail('invalid_country')).describe('ISO 3166 two-letter code.');

/** An origin exactly as a browser reports it; the refusal names the corrected form where there is one. */
const site = z
  .string()
  .superRefine((value, ctx) => {
    try {
      parseSite(value);
    } catch (error) {
      if (!(error instanceof LabelError)) throw error;
      ctx.addIssue(refusalIssue(error, value));
    }
  })
  .describe('An origin: https://www.example.org');

const sites = refusedAs(z.array(site, { error: 'must be a list of origins' }).max(MAX_SITES, `lists more than ${MAX_SITES} websites`), (value, field, issue) =>
  issue.code === 'invalid_type' && issue.path.length > 1 ? fail('invalid_origin', { value }) : fail('invalid_field', { field, rule: issue.message }),
)
  .transform((list) => [...new Set(list)])
  .describe('The exact origins where the badge may be shown.');

const contactEmail = refusedAs(
  z
    .string()
    .trim()
    .refine((value) => value === '' || EMAIL.test(value))
    .nullish(),
  () => fail('invalid_email'),
).transform((value) => value || null);

const CLUSTER_FIELDS = {
  name: requiredText(200),
  organisation: optionalText(200),
  country,
  portfolio: optionalText(200),
  sites: sites.optional().transform((list) => list ?? []),
  contactEmail: contactEmail.describe('Where reminders go; null or empty for none.'),
};

/** A new cluster. */
export const ClusterInput = z.strictObject({ id: clusterId, ...CLUSTER_FIELDS });

/** Only the fields given change, at least one; `contactEmail: null` erases the contact. */
export const ClusterPatch = z
  .strictObject({
    // Named so that sending it is refused for what it is, not as an unknown field.
    id: refusedAs(z.undefined(), () => fail('immutable_field')).optional().describe('Cannot be changed: leave it out.'),
    name: requiredText(200).optional(),
    organisation: optionalText(200).optional(),
    country: country.optional(),
    portfolio: optionalText(200).optional(),
    sites: sites.optional(),
    contactEmail: contactEmail.optional(),
  })
  .transform(({ id: _, ...patch }, ctx) => {
    // Absent fields stay as they are: only the given ones are passed on.
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    if (Object.keys(given).length === 0) ctx.addIssue(refusalIssue(fail('nothing_to_change'), patch));
    return given as Partial<{ [K in keyof typeof patch]: Exclude<(typeof patch)[K], undefined> }>;
  });

/** A level id; whether its scheme has it is the domain's to say (`levelOf`). */
const level = refusedAs(z.string().regex(SCHEME_SLUG), (value) => (absent(value) ? fail('missing_field', { field: 'level' }) : fail('unknown_level', { levels: LEVELS, value })));

/** The scheme a label action is of; absent (or empty, as a form sends it): the ECEI scheme. */
const scheme = z
  .string({ error: 'must be a scheme id such as ecei (GET /v1/schemes lists them)' })
  .regex(/^([a-z][a-z0-9-]{0,31})?$/, 'must be a scheme id such as ecei (GET /v1/schemes lists them)')
  .nullish()
  .transform((value) => value || undefined)
  .describe('The scheme the label is of: `ecei` when not given, or one GET /v1/schemes lists.');

/** An award or an upgrade: without `validUntil`, to the end of the month the level's period after `awarded` (default: today). */
export const AwardInput = z.strictObject({
  scheme,
  level,
  awarded: optionalDate.describe('The assessment date; today when not given.'),
  validUntil: optionalDate.describe('The last day of validity; by the level’s period when not given.'),
  assessmentRef,
});

/** A renewal: from the previous end, by the level's renewal period unless `validUntil` says otherwise. */
export const RenewalInput = z.strictObject({ scheme, validUntil: optionalDate.describe('The new last day; by the renewal period when not given.'), assessmentRef });

/** A revocation: the public reason appears in the signed statement, the note stays internal. */
export const RevocationInput = z.strictObject({
  scheme,
  reason: requiredText(500).describe('Public: it appears in the signed statement.'),
  note: optionalText(2000)
    .transform((value) => value || null)
    .describe('Internal: never published.'),
});

/** A key rotation step. */
export const RotationInput = z.strictObject({
  force: z.boolean({ error: 'must be true or false' }).optional().describe('Activate the next key before every cached key set can have it.'),
});

/**
 * A scheme as an admin sends it: the form `GET /v1/schemes` lists, checked whole by
 * `parseScheme` (slugs unique, a membership with one level, months within reason, seal
 * colours dark enough for white text).
 */
export const SchemeInput = Scheme.transform((value, ctx) => {
  try {
    return parseScheme(value);
  } catch (error) {
    if (!(error instanceof LabelError)) throw error;
    ctx.addIssue(refusalIssue(error, value));
    return z.NEVER;
  }
});

/** A withdrawal: of the ECEI label unless `scheme` names another. */
export const WithdrawalInput = z.strictObject({ scheme });

/** The body of an action that takes no fields. */
export const NoFields = z.strictObject({});

export type ClusterInput = z.output<typeof ClusterInput>;
export type ClusterPatch = z.output<typeof ClusterPatch>;
export type AwardInput = z.output<typeof AwardInput>;
export type RenewalInput = z.output<typeof RenewalInput>;
export type RevocationInput = z.output<typeof RevocationInput>;
export type SchemeInput = z.output<typeof SchemeInput>;
