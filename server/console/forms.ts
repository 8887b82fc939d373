import type { Context } from 'hono';
import type * as z from 'zod';
import { fieldsOf, parseWith } from '../contract/refusals.ts';
import type { Cluster } from '../domain/types.ts';
import { fail, LabelError, statusOf } from '../errors.ts';
import type { Notice } from './views/layout.tsx';

/**
 * The string fields of a urlencoded or multipart form (files are ignored), read once
 * per request and kept on the context. A field sent twice is refused rather than one
 * copy silently winning, and so is text that is not UTF-8, rather than stored with
 * replacement characters.
 */
export async function formOf(c: Context): Promise<Record<string, string>> {
  const kept = (c as Context<{ Variables: { form?: Record<string, string> } }>).get('form');
  if (kept) return kept;
  const form = await readForm(c);
  (c as Context<{ Variables: { form?: Record<string, string> } }>).set('form', form);
  return form;
}

async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return {};
  let data: FormData;
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer());
      // Throws on a cut-off escape or escaped bytes that are not UTF-8 (such as a lone surrogate).
      for (const part of text.split('&')) decodeURIComponent(part.replaceAll('+', ' '));
    }
    data = await c.req.formData();
  } catch (error) {
    // A body over the size limit keeps its own answer.
    throw error instanceof LabelError ? error : fail('malformed_form');
  }
  // Entries, not assignments: a field named `__proto__` must stay a field.
  const fields = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of data.entries()) {
    if (seen.has(name)) throw fail('duplicate_field', { field: name });
    if (typeof value === 'string' && value.includes('\u0000')) throw fail('invalid_field', { field: name.slice(0, 40), rule: 'contains a NUL character, which no field accepts' });
    seen.add(name);
    if (typeof value === 'string') fields.set(name, value);
  }
  return Object.fromEntries(fields);
}

/**
 * The fields of `form` that `schema` names, checked as the admin API checks the same
 * action. A form carries fields of its own besides (the CSRF token, the version it was
 * drawn from, the confirmation), which are not the action's and are left out.
 */
export function parseForm<S extends z.core.$ZodType>(schema: S, form: Record<string, unknown>): z.output<S> {
  const fields = new Set(fieldsOf(schema));
  return parseWith(schema, Object.fromEntries(Object.entries(form).filter(([name]) => fields.has(name))));
}

/** A LabelError becomes the page's error notice with its status; anything else is a bug for the app's error handler. */
export function failure(error: unknown): { status: 400 | 404 | 409 | 413; notice: Notice } {
  if (!(error instanceof LabelError)) throw error;
  const status = ([400, 404, 409, 413] as const).find((s) => s === statusOf(error)) ?? 400;
  return { status, notice: { kind: 'error', text: error.message } };
}

/** A stale form: the write refused because the cluster changed since the form was drawn. */
export const isStale = (error: unknown) => error instanceof LabelError && error.code === 'precondition_failed';

export const sitesOf = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean);

/** The fields of the edit form, as drawn from a cluster. */
export function clusterValues(cluster: Cluster): Record<string, string> {
  return {
    name: cluster.name,
    organisation: cluster.organisation,
    country: cluster.country,
    portfolio: cluster.portfolio,
    sites: cluster.sites.join('\n'),
    contactEmail: cluster.contactEmail ?? '',
  };
}

/** What a form was drawn from, carried beside its version so that a conflict can show it: base64url JSON. */
export function encodeSeen(values: Record<string, string>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeSeen(raw: string | undefined): Record<string, string> {
  if (!raw || raw.length > 20_000) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
