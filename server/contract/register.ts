import * as z from 'zod';
import type { TokenStatus } from '../domain/types.ts';
import { LEVELS } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { choiceQuery, integerQuery, schemeQuery } from './query.ts';
import { refusedAs } from './refusals.ts';

/*
 * The public register's query: the register page (`/clusters`), the open data
 * (`/v1/clusters`, `/v1/clusters.csv`) and the OpenAPI document all read it through
 * `registerQuery`, so a filter means the same and is refused alike everywhere.
 */

export const SORTS = ['name', '-name', 'country', 'valid-until', '-valid-until'] as const;
export type Sort = (typeof SORTS)[number];

export const STATUSES = ['valid', 'expired', 'revoked', 'none'] as const satisfies readonly TokenStatus[];

export const MAX_PAGE_SIZE = 100;

/** Tab, line feed and the like only separate words; every other control character is refused (PostgreSQL refuses NUL in text outright). */
const WORDS = /^[^\u0000-\u0008\u000e-\u001f\u007f-\u009f]*$/;

const words = refusedAs(z.string().max(200, 'must be at most 200 characters').regex(WORDS, 'must be text without control characters'), (_value, parameter, issue) =>
  fail('invalid_query', { parameter, rule: issue.message }),
);

/** A two-letter country code, in either case; read in capitals. */
export const countryQuery = refusedAs(
  z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((code) => code.toUpperCase()),
  (_value, parameter) => fail('invalid_query', { parameter, rule: 'must be a two-letter country code such as DE' }),
);

function query(pageSize: number) {
  return z.object({
    q: words.optional().describe('Words that must all occur in the name.'),
    country: countryQuery.optional().describe('ISO 3166 two-letter code.'),
    scheme: schemeQuery.describe('A scheme id (GET /v1/schemes): clusters holding a current label of that scheme, whatever its status. `level` and `status` still read the ECEI label.'),
    level: choiceQuery(LEVELS, 'bronze, silver or gold'),
    status: choiceQuery(STATUSES, STATUSES.join(', ')),
    sort: choiceQuery(SORTS, SORTS.join(', ')).default('name'),
    page: integerQuery(1, 1_000_000, 1, 'Page number.', 'must be a whole number from 1'),
    pageSize: integerQuery(1, MAX_PAGE_SIZE, pageSize, 'Clusters a page.', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
  });
}

export type RegisterQuery = ReturnType<typeof query>;

const queries = new Map<number, RegisterQuery>();

/**
 * The register's query with `pageSize` rows a page unless the address asks for another
 * number; one schema per page size, so the route and the document share it.
 *
 * @example parseWith(registerQuery(25), queryValues(new URL(c.req.url).searchParams))
 */
export function registerQuery(pageSize: number): RegisterQuery {
  const known = queries.get(pageSize);
  if (known) return known;
  const made = query(pageSize);
  queries.set(pageSize, made);
  return made;
}
