import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An error a caller can act on: a stable `code` to switch on, a message a person
 * understands, and the HTTP status it maps to. Everything else is a bug and is
 * answered as `internal_error` without detail.
 */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
  }
}

export const invalid = (code: string, message: string) => new AppError(400, code, message);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unavailable = (code: string, message: string) => new AppError(503, code, message);

/** The id asked for is not repeated: an id is part of an address, and addresses end up in logs and caches. */
export const clusterNotFound = () => notFound('cluster_not_found', 'No cluster with this id is registered.');

/** The JSON body every `/v1/…` error has. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
