import * as z from 'zod';
import type { Role } from '../auth/roles.ts';
import { LIST_SORTS, LIST_STATUSES, QUEUES } from '../console/list.ts';
import { LEVELS } from '../domain/types.ts';
import { clusterIdParameter, html, pathParameter, redirect, type Answer, type Operation, type Parameter } from './operation.ts';

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
      ? { '200': html('The page.'), '303': notSignedIn, '403': forbidden }
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

/** The cluster list's filters, which the export keeps. */
const ListFilters = z.object({
  q: z.string().optional().describe('Words that must all occur in the name, or the start of the id.'),
  country: z.string().optional().describe('ISO 3166 two-letter code.'),
  level: z.enum(LEVELS).optional(),
  status: z.enum(LIST_STATUSES).optional(),
  queue: z.enum(QUEUES).optional().describe('A work queue of the office.'),
  sort: z.enum(LIST_SORTS).default('name').describe('The list’s order, which the file keeps.'),
});

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
  page('/admin/clusters', 'viewer', 'Cluster search'),
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
  page('/admin/audit', 'viewer', 'The audit log and its verification'),
  page('/admin/reminders', 'viewer', 'Reminder deliveries'),
  page('/admin/import', 'viewer', 'Import (officers) and export of the register'),
  form('/admin/import', 'officer', 'Upload a register CSV as multipart/form-data, the CSRF token first (at most 32 MiB): checked in a dry run'),
  page('/admin/import/{id}', 'officer', 'An upload: its progress (the page reloads itself), its summary and refused lines', [pathParameter('id')]),
  form('/admin/import/{id}/confirm', 'officer', 'Write a checked upload: one transaction, one audit entry', [pathParameter('id')]),
  {
    ...consoleRoute('get', '/admin/export.csv', 'viewer', 'The clusters the cluster list shows for the same filters, as CSV, streamed in the list’s order', { query: ListFilters }),
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
