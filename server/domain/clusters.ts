import { fail } from '../errors.ts';
import { hasUnsafeCharacters } from './text.ts';

export interface ClusterInput {
  id: string;
  name: string;
  organisation: string;
  country: string;
  portfolio: string;
  sites: string[];
  contactEmail: string | null;
}

export type ClusterPatch = Partial<Omit<ClusterInput, 'id'>>;

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const COUNTRY = /^[A-Z]{2}$/;
// Deliberately plain: one @, no spaces or angle brackets, a dot in the domain.
export const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>".]{2,63}$/;
export const MAX_SITES = 20;

export const isClusterId = (value: unknown): value is string => typeof value === 'string' && SLUG.test(value);

function text(value: unknown, field: string, max: number, required: boolean): string {
  if (value === undefined || value === null || value === '') {
    if (required) throw fail('missing_field', { field });
    return '';
  }
  if (typeof value !== 'string') throw fail('invalid_field', { field, rule: 'must be text' });
  const trimmed = value.normalize('NFC').trim();
  if (required && trimmed === '') throw fail('missing_field', { field });
  if (hasUnsafeCharacters(trimmed)) throw fail('invalid_field', { field, rule: 'contains control, bidi-override or unpaired surrogate characters' });
  if (trimmed.length > max) throw fail('invalid_field', { field, rule: `is longer than ${max} characters` });
  return trimmed;
}

/** A website origin exactly as a browser reports it: `https://www.example.org`. */
export function parseSite(value: unknown): string {
  if (typeof value !== 'string') throw fail('invalid_origin', { value });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('invalid_origin', { value });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    throw fail('invalid_origin', { value, ...(url.protocol.startsWith('http') ? { example: url.origin } : {}) });
  }
  return value;
}

function sites(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fail('invalid_field', { field: 'sites', rule: 'must be a list of origins' });
  if (value.length > MAX_SITES) throw fail('invalid_field', { field: 'sites', rule: `lists more than ${MAX_SITES} websites` });
  return [...new Set(value.map(parseSite))];
}

function email(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) {
    throw fail('invalid_email');
  }
  return value.trim();
}

function country(value: unknown): string {
  if (typeof value !== 'string' || !COUNTRY.test(value.trim().toUpperCase())) {
    throw fail('invalid_country');
  }
  return value.trim().toUpperCase();
}

/** Validates a new cluster; throws a LabelError naming the first bad field. */
export function parseClusterInput(raw: Record<string, unknown>): ClusterInput {
  if (!isClusterId(raw.id)) {
    throw fail('invalid_cluster_id');
  }
  return {
    id: raw.id,
    name: text(raw.name, 'name', 200, true),
    organisation: text(raw.organisation, 'organisation', 200, false),
    country: country(raw.country),
    portfolio: text(raw.portfolio, 'portfolio', 200, false),
    sites: sites(raw.sites),
    contactEmail: email(raw.contactEmail),
  };
}

/** Validates the fields given for an update; absent fields stay as they are, and at least one must be given. */
export function parseClusterPatch(raw: Record<string, unknown>): ClusterPatch {
  const patch: ClusterPatch = {};
  if ('id' in raw) throw fail('immutable_field');
  if (raw.name !== undefined) patch.name = text(raw.name, 'name', 200, true);
  if (raw.organisation !== undefined) patch.organisation = text(raw.organisation, 'organisation', 200, false);
  if (raw.country !== undefined) patch.country = country(raw.country);
  if (raw.portfolio !== undefined) patch.portfolio = text(raw.portfolio, 'portfolio', 200, false);
  if (raw.sites !== undefined) patch.sites = sites(raw.sites);
  if (raw.contactEmail !== undefined) patch.contactEmail = email(raw.contactEmail);
  if (Object.keys(patch).length === 0) throw fail('nothing_to_change');
  return patch;
}

/** Public reason and internal note of a revocation. */
export function parseRevocation(raw: Record<string, unknown>) {
  return { reason: text(raw.reason, 'reason', 500, true), note: text(raw.note, 'note', 2000, false) || null };
}
