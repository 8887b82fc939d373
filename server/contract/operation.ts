import * as z from 'zod';
import type { Role } from '../auth/roles.ts';
import { SLUG } from '../domain/clusters.ts';
import { ERRORS, type ErrorCode } from '../errors.ts';
import { ErrorBody } from './responses.ts';

/** One answer of an operation: its body's schema per media type, or refusals by their codes. */
export interface Answer {
  description: string;
  /** The body per media type: a schema, or `text` for one not described further. */
  content?: Record<string, z.core.$ZodType | 'text' | 'binary'>;
  /** Header name → what it holds. */
  headers?: Record<string, string>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'header';
  description?: string;
  schema: z.core.$ZodType;
  required?: boolean;
}

/**
 * One HTTP operation as the contract states it: the OpenAPI document describes it, and
 * its route checks its query and body with the schemas named here. The admin API's
 * routes are built from theirs (`routes/admin.ts`), path and role included.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch';
  /** The OpenAPI path template, `/v1/admin/clusters/{id}`. */
  path: string;
  tag: 'public' | 'register' | 'admin' | 'console' | 'operations';
  summary: string;
  description?: string;
  /** The least role that may call it (admin API: bearer token; console: session). */
  role?: Role;
  security?: 'bearerToken' | 'consoleSession';
  parameters?: Parameter[];
  /** Query parameters: one per field, documented by its description and default. */
  query?: z.ZodObject;
  body?: { content: Record<string, z.core.$ZodType | 'text'>; required: boolean; example?: unknown };
  answers: Record<string, Answer>;
  /** The codes it can be refused with; each is documented under its catalogue status. */
  refusals?: readonly ErrorCode[];
  /** What the refusals of one status mean here, where the default sentence does not say it. */
  refusalNotes?: Record<number, string>;
  /** Public routes: their refusals carry `Access-Control-Allow-Origin: *` too. */
  cors?: boolean;
}

/** What a refusal of each status means, unless an operation says more. */
const REFUSAL_NOTES: Record<number, string> = {
  400: 'The request is not acceptable; nothing was changed.',
  401: 'No API token, or one that is not valid or revoked.',
  403: 'The token’s role is too low.',
  404: 'Nothing has this id.',
  409: 'The current state does not allow this change; nothing was changed.',
  412: 'The resource changed since the version named in If-Match; nothing was changed.',
  413: 'The body is too large.',
  415: 'The body is not sent as application/json.',
  503: 'The registry is busy or cannot be reached; try again after Retry-After seconds.',
};

/** The refusals that tell the client when to try again. */
const RETRIED: ReadonlySet<ErrorCode> = new Set(['database_busy', 'database_unreachable']);

/**
 * The refusal answers of `operation`: its codes grouped by the status the catalogue gives
 * each, so a code can only ever be documented under the status it is answered with.
 */
export function refusalAnswers(operation: Operation): Record<string, Answer> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operation.refusals ?? []) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  const answers: Record<string, Answer> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const note = operation.refusalNotes?.[status] ?? REFUSAL_NOTES[status] ?? 'Refused.';
    const headers: Record<string, string> = {
      ...(operation.cors ? { 'Access-Control-Allow-Origin': '`*`: any site may read the refusal.' } : {}),
      ...(status === 401 ? { 'WWW-Authenticate': 'Bearer realm="cluster-label"' } : {}),
      ...(codes.some((code) => RETRIED.has(code)) ? { 'Retry-After': 'Seconds to wait before trying again.' } : {}),
    };
    answers[String(status)] = {
      description: `${note} (\`${codes.join('`, `')}\`)`,
      content: { 'application/json': ErrorBody },
      ...(Object.keys(headers).length ? { headers } : {}),
    };
  }
  return answers;
}

/** The body `schema` as JSON. */
export const json = <S extends z.core.$ZodType>(schema: S) => ({ 'application/json': schema });

/** An HTML page as an answer. */
export const html = (description: string): Answer => ({ description, content: { 'text/html': 'text' } });

/** A redirect as an answer: where to is in `Location`. */
export const redirect = (description: string): Answer => ({ description, headers: { Location: 'Where to.' } });

/** Any JSON object: a document of a standard this one does not restate (Open Badges, SD-JWT VC). */
export const AnyObject = z.looseObject({});

export const clusterIdParameter = { name: 'id', in: 'path', description: 'The cluster id, a lowercase slug.', schema: z.string().regex(SLUG) } as const satisfies Parameter;

/** A path parameter described by its schema alone. */
export const pathParameter = (name: string, schema: z.core.$ZodType = z.string(), description?: string): Parameter => ({ name, in: 'path', schema, ...(description ? { description } : {}) });
