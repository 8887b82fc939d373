import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The quoted value a message shows: never more than 60 characters of it. */
const shown = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 60);

interface Entry {
  /** The HTTP status the code is answered with; only the HTTP layer reads it. */
  status: ContentfulStatusCode;
  /** The sentence a person reads, or how to write it from the details of one refusal. */
  message: string | ((details: never) => string);
}

/**
 * Every error a caller can act on, in one place: its stable code, the status it is
 * answered with, and its message. Codes are part of the contract (documented in
 * the OpenAPI document); messages may improve.
 */
export const ERRORS = {
  // ── requests ────────────────────────────────────────────────────────────
  not_found: { status: 404, message: 'There is nothing at this address.' },
  starting: { status: 503, message: 'The issuer is starting; try again in a moment.' },
  internal_error: { status: 500, message: 'Something went wrong on the server. The error has been logged.' },
  invalid_address: { status: 400, message: 'The address contains a NUL character (%00), which nothing in the console has.' },
  invalid_query: { status: 400, message: (d: { parameter: string; rule: string }) => `The parameter "${d.parameter}" ${d.rule}.` },
  payload_too_large: { status: 413, message: (d: { what: 'body' | 'form'; kib: number }) => `The ${d.what} is larger than ${d.kib} KiB.` },
  unsupported_media_type: {
    status: 415,
    message: (d: { sent: string; accepted?: string }) =>
      `Send the body as ${d.accepted ?? 'JSON with Content-Type: application/json'}${d.sent ? `, not ${d.sent.slice(0, 100)}` : ''}.`,
  },
  json_too_deep: { status: 400, message: (d: { depth: number }) => `The JSON body is nested more than ${d.depth} levels deep.` },
  malformed_json: { status: 400, message: (d: { reason: string }) => `The body is not valid JSON: ${d.reason.slice(0, 200)}` },
  invalid_body: { status: 400, message: 'The body must be a JSON object.' },
  unknown_field: {
    status: 400,
    message: (d: { fields: string[]; allowed: readonly string[] }) =>
      `Unknown field ${d.fields.slice(0, 5).map((key) => `"${key.slice(0, 50)}"`).join(', ')}; this request accepts ${d.allowed.length ? d.allowed.join(', ') : 'no fields'}.`,
  },
  malformed_form: { status: 400, message: 'The form could not be read: it is not UTF-8 text in the form encoding a browser sends. Reload the page and try again.' },
  duplicate_field: { status: 400, message: (d: { field: string }) => `The field "${d.field.slice(0, 40)}" was sent more than once.` },

  // ── who may ask ─────────────────────────────────────────────────────────
  unauthorized: {
    status: 401,
    message: (d: { presented: boolean }) =>
      d.presented ? 'The API token is not valid or has been revoked.' : 'This request needs an API token: send the header Authorization: Bearer <token>.',
  },
  forbidden: { status: 403, message: (d: { minimum: string; actor: string; role: string }) => `This needs the ${d.minimum} role; ${d.actor} has the ${d.role} role.` },
  csrf_origin_mismatch: { status: 403, message: 'This form was not sent from a page of this console.' },
  csrf_token_invalid: { status: 403, message: 'The form has expired or did not come from this console. Go back, reload the page and try again.' },
  confirmation_required: { status: 400, message: 'Tick "compromised" to confirm the emergency revocation.' },

  // ── the registry ────────────────────────────────────────────────────────
  registry_unavailable: { status: 503, message: 'The label registry cannot be reached right now; try again shortly.' },
  database_unreachable: { status: 503, message: 'The registry database cannot be reached.' },
  database_busy: { status: 503, message: 'The registry is busy with another change (an import, perhaps); nothing was changed. Try again in a few seconds.' },
  cluster_not_found: { status: 404, message: 'No cluster with this id is registered.' },
  precondition_failed: {
    status: 412,
    message: 'It changed since this version was read (If-Match). Read it again, then repeat the change on the current version.',
  },
  cluster_exists: { status: 409, message: (d: { id: string }) => `A cluster with the id "${d.id}" is already registered.` },
  invalid_cluster_id: {
    status: 400,
    message: 'The cluster id must be a lowercase slug of letters, digits and hyphens (at most 64), such as "nordlicht-photonics".',
  },
  immutable_field: { status: 400, message: 'A cluster id cannot be changed.' },
  nothing_to_change: { status: 400, message: 'Give at least one field to change.' },
  missing_field: { status: 400, message: (d: { field: string }) => `The field "${d.field}" is required.` },
  invalid_field: { status: 400, message: (d: { field: string; rule: string }) => `The field "${d.field}" ${d.rule}.` },
  invalid_origin: {
    status: 400,
    message: (d: { value: unknown; example?: string }) =>
      `${shown(d.value)} is not an origin: give scheme, host and port only, lowercase, without a path or a trailing slash (for example ${d.example ?? 'https://www.example.org'}).`,
  },
  invalid_country: { status: 400, message: 'The country must be a two-letter ISO 3166 code such as DE or FR.' },
  invalid_date: {
    status: 400,
    // The CLI names its option (`--valid-until`) and the forms it reads; the API, the field and ISO dates.
    message: (d: { field: string; value: unknown; forms?: string }) =>
      `${d.field.startsWith('--') ? d.field : `The field "${d.field}"`} must be a real calendar date written ${d.forms ?? 'YYYY-MM-DD'}; it is ${shown(d.value)}.`,
  },
  unknown_scheme: {
    status: 400,
    message: (d: { schemes: readonly string[]; value: unknown }) => `The scheme must be one of ${d.schemes.join(', ')}; it is ${shown(d.value)}.`,
  },
  scheme_configured: {
    status: 409,
    message: (d: { id: string }) => `The scheme "${d.id}" is built from this deployment’s settings (PROGRAMME_NAME, ISSUER_NAME, VALIDITY_MONTHS_*, RENEWAL_MONTHS_*): change them there.`,
  },
  scheme_id_mismatch: { status: 400, message: (d: { path: string; body: string }) => `The scheme's id "${d.body.slice(0, 40)}" differs from the id in the address, "${d.path}".` },
  scheme_levels_in_use: {
    status: 409,
    message: (d: { scheme: string; levels: readonly string[] }) =>
      `Labels of the level${d.levels.length > 1 ? 's' : ''} ${d.levels.join(', ')} exist in the scheme "${d.scheme}": keep ${d.levels.length > 1 ? 'these levels' : 'this level'} (names, seals and periods may change). Nothing was changed.`,
  },
  unknown_level: { status: 400, message: (d: { levels: readonly string[]; value: unknown }) => `The level must be one of ${d.levels.join(', ')}; it is ${shown(d.value)}.` },

  // ── labels ──────────────────────────────────────────────────────────────
  awarded_in_future: { status: 400, message: (d: { awarded: string }) => `The assessment date ${d.awarded} is in the future.` },
  valid_until_before_awarded: {
    status: 400,
    message: (d: { validUntil: string; awarded: string }) => `The valid-until date ${d.validUntil} must be after the assessment date ${d.awarded}.`,
  },
  label_already_held: {
    status: 409,
    message: (d: { level: string; validUntil: string }) => `The cluster holds a valid ${d.level} label until ${d.validUntil}: renew it, or upgrade it to a higher level.`,
  },
  no_levels_to_upgrade: { status: 409, message: (d: { scheme: string }) => `The scheme "${d.scheme}" is a membership: it has no higher level to upgrade to.` },
  renewal_too_early: { status: 409, message: (d: { from: string }) => `This label can be renewed from ${d.from}, not before.` },
  label_not_valid: { status: 409, message: (d: { level: string }) => `The current ${d.level} label is not valid; award a new label instead of upgrading.` },
  not_an_upgrade: { status: 409, message: (d: { level: string }) => `An upgrade must be to a level above ${d.level}.` },
  label_not_renewable: { status: 409, message: (d: { status: string }) => `A ${d.status} label cannot be renewed; award a new label instead.` },
  grace_period_over: { status: 409, message: (d: { ended: string }) => `The grace year of this label ended on ${d.ended}; award a new label instead.` },
  valid_until_not_later: { status: 400, message: (d: { validUntil: string }) => `A renewal must end after the current end, ${d.validUntil}.` },
  label_already_revoked: { status: 409, message: 'The current label is already revoked.' },
  label_already_withdrawn: { status: 409, message: 'The current label is already withdrawn.' },
  label_already_superseded: { status: 409, message: 'The current label is already superseded.' },
  label_not_expired: { status: 409, message: (d: { validUntil: string }) => `The label is valid until ${d.validUntil}; revoke it to end it early.` },
  no_current_label: { status: 409, message: 'The cluster has no label.' },

  // ── keys, tokens, accounts ──────────────────────────────────────────────
  key_not_found: { status: 404, message: 'No signing key has this id.' },
  key_already_revoked: { status: 409, message: (d: { kid: string }) => `The key ${d.kid} is already revoked.` },
  next_key_too_new: {
    status: 409,
    message: (d: { kid: string; publishedAt: string; readyAt: string }) =>
      `The next key ${d.kid} was published at ${d.publishedAt}; activate it after ${d.readyAt}, when every cached key set has it.`,
  },
  invalid_token_name: { status: 400, message: 'A token name is 1 to 64 lowercase letters, digits, dots, hyphens or underscores, such as "ci-deploy".' },
  unknown_role: { status: 400, message: (d: { roles: readonly string[]; value: string }) => `The role must be one of ${d.roles.join(', ')}; it is "${d.value.slice(0, 40)}".` },
  token_exists: {
    status: 409,
    message: (d: { name: string; revoked: boolean }) => `A token named "${d.name}" ${d.revoked ? 'existed and was revoked' : 'exists'}; names are never reused, choose another.`,
  },
  token_not_found: { status: 404, message: (d: { name: string }) => `No token is named "${d.name.slice(0, 64)}".` },
  token_already_revoked: { status: 409, message: (d: { name: string; at: string }) => `The token "${d.name}" was already revoked at ${d.at}.` },
  invalid_email: { status: 400, message: 'The e-mail address is not valid.' },
  password_missing: {
    status: 400,
    message: (d: { emptyFile?: string }) =>
      `No password was given: type it when asked on a terminal, pipe it in on standard input, or name a file with --password-file.${d.emptyFile ? ` The first line of ${d.emptyFile} is empty.` : ''}`,
  },
  password_mismatch: { status: 400, message: 'The two passwords differ.' },
  invalid_role: { status: 400, message: 'The role must be admin, officer or viewer.' },
  weak_password: { status: 400, message: (d: { rule: string }) => `A password must ${d.rule}.` },
  user_exists: { status: 409, message: (d: { email: string }) => `An account for ${d.email} exists already.` },
  user_not_found: { status: 404, message: 'There is no such account.' },
  user_already_disabled: { status: 409, message: (d: { email: string }) => `The account ${d.email} is already disabled.` },
  cannot_disable_self: { status: 400, message: 'You cannot disable your own account; ask another admin.' },

  // ── public files, backups, audit ────────────────────────────────────────
  audit_log_empty: { status: 404, message: 'The audit log has no entries yet.' },
  invalid_head: { status: 400, message: (d: { file: string; why: string }) => `${d.file} ${d.why}` },
  widget_not_built: { status: 503, message: 'The widget has not been built on this server: run npm run build.' },
  widget_version_not_found: { status: 404, message: (d: { version: string }) => `This server has widget version ${d.version} only.` },
  widget_language_not_found: { status: 404, message: (d: { languages: string }) => `The widget has no such language file; it has ${d.languages}.` },
  backup_not_sqlite: { status: 400, message: 'This registry is on PostgreSQL: back it up with pg_dump.' },
  tile_not_found: { status: 404, message: (d: { why: string }) => `${d.why} (c2sp.org/tlog-tiles).` },
  invalid_state: { status: 400, message: (d: { file: string; why: string }) => `${d.file} is not a state saved by log watch: ${d.why}` },
  backup_exists: { status: 409, message: (d: { file: string }) => `${d.file} exists already; choose a new file name.` },

  // ── register import (console) ───────────────────────────────────────────
  import_too_large: { status: 413, message: (d: { mib: number }) => `The file is larger than ${d.mib} MiB, the most one import takes. Split it, and import the parts one after the other.` },
  import_file_missing: { status: 400, message: 'Choose a CSV file to import.' },
  import_not_utf8: { status: 400, message: 'The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.' },
  import_unreadable: {
    status: 400,
    message: (d: { code: 'csv_cell_too_long' | 'csv_line_too_long' | 'csv_malformed'; reason: string }) => `The file could not be read (${d.code}): ${d.reason} Nothing was imported.`,
  },
  import_not_found: { status: 404, message: 'There is no such import: an upload is kept for a day.' },
  import_has_errors: { status: 409, message: 'The file has refused lines: correct them and upload it again. Nothing was imported.' },
  import_not_ready: { status: 409, message: (d: { state: string }) => `This import is ${d.state}; only a checked file can be confirmed, once.` },
  import_stale: { status: 409, message: 'The register has changed since the preview, so the import would now do something else. Nothing was imported: check the new preview, then confirm again.' },

  // ── credentials and their verification ──────────────────────────────────
  status_list_not_found: { status: 404, message: 'This issuer has no status list at this address.' },
  credential_format_not_found: { status: 404, message: 'Credentials come as vc-jwt or sd-jwt-vc.' },
  credential_not_found: { status: 404, message: 'This cluster holds no valid label, so it has no current credential.' },
  achievement_not_found: { status: 404, message: 'The achievements are bronze, silver and gold.' },
  body_invalid: { status: 400, message: 'Send {"credential": "<the token>"} as JSON, or the token itself as text/plain.' },
  input_empty: { status: 400, message: 'Paste or upload a credential, an attestation or a status list token.' },
  input_too_large: { status: 400, message: (d: { bytes: number }) => `The input is larger than ${d.bytes} bytes; nothing this issuer signs is that large.` },
  input_unreadable: { status: 400, message: 'This is not a signed token (a compact JWS or SD-JWT): it could not be read.' },
  token_type_unsupported: { status: 400, message: (d: { types: readonly string[] }) => `This token's type is not one this issuer signs (${d.types.join(', ')}).` },
} as const satisfies Record<string, Entry>;

type Catalogue = typeof ERRORS;
export type ErrorCode = keyof Catalogue;
/** The details a code's message is written from; none for a fixed sentence. */
export type ErrorDetails<C extends ErrorCode> = Catalogue[C]['message'] extends (details: infer D) => string ? [details: D] : [];

/**
 * A refusal the caller can act on: a code from the catalogue and its message. It
 * knows nothing of HTTP; the HTTP layer answers it with the code's status and any
 * `headers` it carries (`WWW-Authenticate`, `Retry-After`). Everything else thrown
 * is a bug and is answered as `internal_error` without detail.
 */
export class LabelError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: C, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'LabelError';
    this.code = code;
    this.headers = headers;
  }

  /** The same refusal, answered with these headers as well. */
  withHeaders(headers: Record<string, string>): LabelError<C> {
    return new LabelError(this.code, this.message, { ...this.headers, ...headers });
  }
}

/**
 * The error for `code`, its message written from `details`.
 *
 * @example
 * throw fail('cluster_exists', { id: 'nordlicht' });
 */
export function fail<C extends ErrorCode>(code: C, ...details: ErrorDetails<C>): LabelError<C> {
  const message: string | ((details: unknown) => string) = ERRORS[code].message as string | ((details: unknown) => string);
  return new LabelError(code, typeof message === 'string' ? message : message(details[0]));
}

/** The HTTP status a code is answered with. */
export const statusOf = (error: LabelError): ContentfulStatusCode => ERRORS[error.code].status;

/** The JSON body every `/v1/…` error has. */
export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** What anything thrown says: an `Error`'s message, or the thrown value as text. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The `code` a thrown error carries (Node's `ENOENT`, a driver's `SQLITE_BUSY`), if it carries one as text. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
