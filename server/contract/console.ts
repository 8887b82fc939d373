import * as z from 'zod';
import type { Role } from '../auth/roles.ts';
import { decodeCursor, LIST_SORTS, LIST_STATUSES, QUEUES } from '../console/list.ts';
import { LEVELS } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { AuditQuery } from './admin.ts';
import { clusterIdParameter, html, pathParameter, redirect, type Answer, type Operation, type Parameter } from './operation.ts';
import { choiceQuery, dateQuery, integerQuery, textQuery } from './query.ts';
import { refusalIssue, refusedAs } from './refusals.ts';
import { countryQuery } from './register.ts';

/*
 * The console's pages and forms (server/console) as the OpenAPI document describes them:
 * HTML for a signed-in session; every form carries the session's CSRF token and comes
 * from this origin.
 */

const notSignedIn = redirect('Not signed in: to the sign-in page.');

function consoleRoute(
  method: 'get' | 'post',
  path: string,
  role: Role,
  summary: string,
  options: { parameters?: Parameter[]; query?: z.ZodObject; answers?: Record<string, Answer> } = {},
): Operation {
  const forbidden = html(`The account’s role is below \`${role}\`${method === 'post' ? ', or the form’s CSRF token or origin is wrong' : ''}.`);
  const answers: Record<string, Answer> =
    method === 'get'
      ? { '200': html('The page.'), '303': notSignedIn, ...(options.query ? { '400': html('A parameter is not one the page takes: the page says which.') } : {}), '403': forbidden }
      : {
          ...options.answers,
          '303': redirect('Done: to the page that shows the result (or to the sign-in page when not signed in).'),
          '400': html('Refused: the form again, with the reason and what was typed.'),
          '403': forbidden,
          '404': html('No such cluster, account or key.'),
          '409': html('Refused by the label’s life or a name taken: the form again, with the reason.'),
          '413': html('The form is larger than 64 KiB.'),
        };
  return { method, path, tag: 'console', role, security: 'consoleSession', summary, ...(options.parameters ? { parameters: options.parameters } : {}), ...(options.query ? { query: options.query } : {}), answers };
}

const page = (path: string, role: Role, summary: string, parameters?: Parameter[]) => consoleRoute('get', path, role, summary, parameters ? { parameters } : {});
const form = (path: string, role: Role, summary: string, parameters?: Parameter[], answers?: Record<string, Answer>) =>
  consoleRoute('post', path, role, summary, { ...(parameters ? { parameters } : {}), ...(answers ? { answers } : {}) });

const confirmation = { '200': html('The first step: what will happen, and a form to confirm it (`confirm=yes`).') };
const cluster = [clusterIdParameter];

/** A filter that is none of `values`: refused naming them all, as the list's own select does. */
const oneOf = <const T extends readonly string[]>(values: T) => choiceQuery(values, values.join(', '));

/** The list's words: control characters (C0 and C1) are refused, not searched for. */
const listWords = refusedAs(z.string().max(200).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/), (_value, parameter) =>
  fail('invalid_query', { parameter, rule: 'must be at most 200 characters of text' }),
);

/** The refusal of a cursor that is not one of the list's links in the asked order. */
const refusedCursor = (parameter: 'after' | 'before', input: unknown) =>
  refusalIssue(fail('invalid_query', { parameter, rule: `must be the cursor of a "${parameter === 'after' ? 'next' : 'previous'}" link, with the same sort` }), input);

/** A cursor as the list's links carry it (`encodeCursor`), read into the place it names. */
const cursorQuery = (parameter: 'after' | 'before', description: string) =>
  z
    .string()
    .transform((raw, ctx) => decodeCursor(raw) ?? (ctx.addIssue(refusedCursor(parameter, raw)), z.NEVER))
    .optional()
    .describe(description);

/**
 * The cluster list's address (`/admin/clusters`): its filters, its order, and one
 * cursor, which must be of that order.
 */
export const ListQuery = z
  .object({
    q: listWords.optional().describe('Words that must all occur in the name, or the start of the id.'),
    country: countryQuery.optional().describe('ISO 3166 two-letter code.'),
    level: oneOf(LEVELS),
    status: oneOf(LIST_STATUSES),
    queue: oneOf(QUEUES).describe('A work queue of the office.'),
    sort: oneOf(LIST_SORTS).default('name').describe('The list’s order, which the export keeps.'),
    after: cursorQuery('after', 'The page after this place: the `next` link’s cursor.'),
    before: cursorQuery('before', 'The page before this place: the `previous` link’s cursor; not with `after`.'),
  })
  .superRefine((query, ctx) => {
    if (query.after && query.before) ctx.addIssue(refusalIssue(fail('invalid_query', { parameter: 'before', rule: 'must be absent when after is given' }), query.before));
    for (const parameter of ['after', 'before'] as const) {
      if (query[parameter] && query[parameter].sort !== query.sort) ctx.addIssue(refusedCursor(parameter, query[parameter]));
    }
  });

/** The console's audit page: the admin API's filters, an account by its e-mail, days, and the chain's check. */
export const ConsoleAuditQuery = AuditQuery.extend({
  actor: textQuery('Only entries by this account (its e-mail address) or actor id.', 254),
  from: dateQuery('Only entries from this day on (UTC).'),
  until: dateQuery('Only entries up to and including this day (UTC).'),
  verify: choiceQuery(['1']).describe('`1`: verify the whole chain, whose cost grows with the log.'),
});

/** The upload page's page of refused lines. */
export const ImportQuery = z.object({ errors: integerQuery(1, 1_000_000, 1, 'The page of refused lines.') });

export const CONSOLE: readonly Operation[] = [
  { method: 'get', path: '/admin/console.css', tag: 'console', summary: 'The console’s stylesheet', answers: { '200': { description: 'CSS.', content: { 'text/css': 'text' } } } },
  { method: 'get', path: '/admin/sign-in', tag: 'console', summary: 'The sign-in form', answers: { '200': html('The form.'), '303': redirect('Already signed in: to the dashboard.') } },
  {
    method: 'post',
    path: '/admin/sign-in',
    tag: 'console',
    summary: 'Sign in with e-mail and password',
    body: { content: { 'application/x-www-form-urlencoded': z.strictObject({ email: z.string(), password: z.string(), csrf: z.string() }) }, required: true },
    answers: {
      '303': redirect('Signed in: to the dashboard, with a session cookie.'),
      '401': html('Wrong e-mail address or password, or a disabled account.'),
      '403': html('The sign-in form expired.'),
      '429': html('Too many failed sign-ins; try again later.'),
    },
  },
  {
    method: 'post',
    path: '/admin/sign-out',
    tag: 'console',
    security: 'consoleSession',
    summary: 'Sign out',
    answers: { '303': redirect('To the sign-in page.'), '403': html('The form’s CSRF token or origin is wrong.') },
  },
  page('/admin', 'viewer', 'The dashboard'),
  consoleRoute('get', '/admin/clusters', 'viewer', 'Cluster search', { query: ListQuery }),
  form('/admin/clusters', 'officer', 'Register a cluster'),
  page('/admin/clusters/new', 'officer', 'The form to register a cluster'),
  page('/admin/clusters/{id}', 'viewer', 'A cluster with its label history and actions', cluster),
  form('/admin/clusters/{id}', 'officer', 'Change a cluster', cluster),
  page('/admin/clusters/{id}/edit', 'officer', 'The form to change a cluster', cluster),
  form('/admin/clusters/{id}/award', 'officer', 'Award a label', cluster),
  form('/admin/clusters/{id}/upgrade', 'officer', 'Upgrade the label', cluster),
  form('/admin/clusters/{id}/renew', 'officer', 'Renew the label', cluster),
  form('/admin/clusters/{id}/revoke', 'officer', 'Revoke the label (confirmed in a second step)', cluster, confirmation),
  form('/admin/clusters/{id}/withdraw', 'officer', 'Withdraw the label (confirmed in a second step)', cluster, confirmation),
  consoleRoute('get', '/admin/audit', 'viewer', 'The audit log and its verification', { query: ConsoleAuditQuery }),
  page('/admin/reminders', 'viewer', 'Reminder deliveries'),
  page('/admin/import', 'viewer', 'Import (officers) and export of the register'),
  form('/admin/import', 'officer', 'Upload a register CSV as multipart/form-data, the CSRF token first (at most 32 MiB): checked in a dry run'),
  consoleRoute('get', '/admin/import/{id}', 'officer', 'An upload: its progress (the page reloads itself), its summary and refused lines', { parameters: [pathParameter('id')], query: ImportQuery }),
  form('/admin/import/{id}/confirm', 'officer', 'Write a checked upload: one transaction, one audit entry', [pathParameter('id')]),
  {
    ...consoleRoute('get', '/admin/export.csv', 'viewer', 'The clusters the cluster list shows for the same filters, as CSV, streamed in the list’s order: every match, from the first, whatever page the address names', { query: ListQuery }),
    answers: { '200': { description: 'CSV with a header line, in the columns the import reads.', content: { 'text/csv': 'text' } }, '303': notSignedIn, '400': html('A filter is not one the list takes.') },
  },
  page('/admin/users', 'admin', 'Console accounts'),
  form('/admin/users', 'admin', 'Create an account'),
  form('/admin/users/{id}/disable', 'admin', 'Disable an account', [pathParameter('id')]),
  page('/admin/tokens', 'admin', 'API tokens'),
  form('/admin/tokens', 'admin', 'Create an API token', [], { '201': html('Created: the page shows the secret, this once.') }),
  form('/admin/tokens/{name}/revoke', 'admin', 'Revoke an API token', [pathParameter('name')]),
  page('/admin/keys', 'admin', 'Signing keys'),
  form('/admin/keys/rotate', 'admin', 'Rotate the signing key'),
  form('/admin/keys/{kid}/revoke', 'admin', 'Revoke a signing key', [pathParameter('kid')]),
];
