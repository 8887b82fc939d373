import * as z from 'zod';
import { isIsoDate } from '../domain/dates.ts';
import { SCHEME_ID } from '../domain/schemes.ts';
import { fail } from '../errors.ts';
import { parseWith, refusedAs } from './refusals.ts';

/*
 * Query parameters as schemas: each refuses as `invalid_query`, naming the parameter and
 * the rule it broke, and documents itself in the OpenAPI document by the same schema.
 */

/**
 * A whole number from `min` to `max`; `fallback` when absent. `rule` is what a refusal
 * says the parameter must be (by default the range and the value given).
 *
 * @example integerQuery(1, 200, 50, 'Entries a page.')
 */
export function integerQuery<F extends number | undefined>(min: number, max: number, fallback: F, description: string, rule?: string) {
  const number: z.ZodType<number, string> = z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .pipe(z.int().min(min).max(max));
  return refusedAs(number, (value, parameter) =>
    fail('invalid_query', { parameter, rule: rule ?? `must be a whole number from ${min} to ${max}; it is "${String(value).slice(0, 40)}"` }),
  )
    .optional()
    .transform((value): number | F => value ?? fallback)
    .meta({ type: 'integer', minimum: min, maximum: max, ...(fallback === undefined ? {} : { default: fallback }), description });
}

/** Free text in the query: at most `max` characters, no control characters. */
export function textQuery(description: string, max = 200) {
  return refusedAs(z.string().max(max, `is longer than ${max} characters`).regex(/^[^\u0000-\u001f\u007f]*$/, 'contains a control character'), (_value, parameter, issue) =>
    fail('invalid_query', { parameter, rule: issue.message }),
  )
    .optional()
    .transform((value) => value || undefined)
    .describe(description);
}

/** One of `values`, or absent; a refusal says the parameter `must be` the rule given (by default the list). */
export function choiceQuery<const T extends readonly string[]>(values: T, rule = `one of ${values.join(', ')}`) {
  return refusedAs(z.enum(values), (_value, parameter) => fail('invalid_query', { parameter, rule: `must be ${rule}` })).optional();
}

/** A calendar date, `YYYY-MM-DD`, or absent. */
export function dateQuery(description: string) {
  return refusedAs(z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isIsoDate), (_value, parameter) => fail('invalid_query', { parameter, rule: 'must be a date such as 2026-03-31' }))
    .optional()
    .describe(description);
}

/**
 * The parameters of an address as a schema reads them: the first value of each name,
 * trimmed, and an empty one as absent, as a form sends a field left blank.
 */
export function queryValues(params: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of new Set(params.keys())) {
    const value = params.get(name)?.trim();
    if (value) values[name] = value;
  }
  return values;
}

/**
 * The query of the address `url`, checked and shaped by `schema`; throws
 * `invalid_query` naming the first parameter that breaks its rule.
 *
 * @example const { size, theme, lang } = readQuery(EmbedQuery, c.req.url);
 */
export function readQuery<S extends z.ZodObject>(schema: S, url: string): z.output<S> {
  return parseWith(schema, queryValues(new URL(url).searchParams));
}

/** A scheme's id as `GET /v1/schemes` lists it; the route refuses one it does not know. */
export const schemeQuery = refusedAs(z.string().regex(SCHEME_ID), (_value, parameter) => fail('invalid_query', { parameter, rule: 'must be the id of a scheme GET /v1/schemes lists, such as ecei' })).optional();
