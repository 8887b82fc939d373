import type * as z from 'zod';
import type { Role } from '../auth/roles.ts';
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
 * One HTTP operation as the contract states it. For the admin API it is also what the
 * route is built from (`routes/admin.ts`): its path, role, query and body schemas.
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
      ...(operation.cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
      ...(status === 401 ? { 'WWW-Authenticate': 'Bearer realm="cluster-label"' } : {}),
      ...(status === 503 ? { 'Retry-After': 'Seconds to wait before trying again.' } : {}),
    };
    answers[String(status)] = {
      description: `${note} (\`${codes.join('`, `')}\`)`,
      content: { 'application/json': ErrorBody },
      ...(Object.keys(headers).length ? { headers } : {}),
    };
  }
  return answers;
}
