import { invalid } from '../errors.ts';
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

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const COUNTRY = /^[A-Z]{2}$/;
// Deliberately plain: one @, no spaces or angle brackets, a dot in the domain.
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>".]{2,63}$/;
const MAX_SITES = 20;

export const isClusterId = (value: unknown): value is string => typeof value === 'string' && SLUG.test(value);

function text(value: unknown, field: string, max: number, required: boolean): string {
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid('missing_field', `The field "${field}" is required.`);
    return '';
  }
  if (typeof value !== 'string') throw invalid('invalid_field', `The field "${field}" must be text.`);
  const trimmed = value.normalize('NFC').trim();
  if (required && trimmed === '') throw invalid('missing_field', `The field "${field}" is required.`);
  if (hasUnsafeCharacters(trimmed)) throw invalid('invalid_field', `The field "${field}" contains control, bidi-override or unpaired surrogate characters.`);
  if (trimmed.length > max) throw invalid('invalid_field', `The field "${field}" is longer than ${max} characters.`);
  return trimmed;
}

/** A website origin exactly as a browser reports it: `https://www.example.org`. */
export function parseSite(value: unknown): string {
  if (typeof value !== 'string') throw invalid('invalid_origin', 'Each website must be an origin such as https://www.example.org.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('invalid_origin', `"${value.slice(0, 100)}" is not an origin such as https://www.example.org.`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    throw invalid(
      'invalid_origin',
      `"${value.slice(0, 100)}" is not an origin: give scheme, host and port only, lowercase, without a path or a trailing slash (for example ${url.protocol.startsWith('http') ? url.origin : 'https://www.example.org'}).`,
    );
  }
  return value;
}

function sites(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('invalid_field', 'The field "sites" must be a list of origins.');
  if (value.length > MAX_SITES) throw invalid('invalid_field', `A cluster can list at most ${MAX_SITES} websites.`);
  return [...new Set(value.map(parseSite))];
}

function email(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) {
    throw invalid('invalid_email', 'The contact e-mail address is not valid.');
  }
  return value.trim();
}

function country(value: unknown): string {
  if (typeof value !== 'string' || !COUNTRY.test(value.trim().toUpperCase())) {
    throw invalid('invalid_country', 'The country must be a two-letter ISO 3166 code such as DE or FR.');
  }
  return value.trim().toUpperCase();
}

/** Validates a new cluster; throws a 400 AppError naming the first bad field. */
export function parseClusterInput(raw: Record<string, unknown>): ClusterInput {
  if (!isClusterId(raw.id)) {
    throw invalid('invalid_cluster_id', 'The cluster id must be a lowercase slug of letters, digits and hyphens (at most 64), such as "nordlicht-photonics".');
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
  if ('id' in raw) throw invalid('immutable_field', 'A cluster id cannot be changed.');
  if (raw.name !== undefined) patch.name = text(raw.name, 'name', 200, true);
  if (raw.organisation !== undefined) patch.organisation = text(raw.organisation, 'organisation', 200, false);
  if (raw.country !== undefined) patch.country = country(raw.country);
  if (raw.portfolio !== undefined) patch.portfolio = text(raw.portfolio, 'portfolio', 200, false);
  if (raw.sites !== undefined) patch.sites = sites(raw.sites);
  if (raw.contactEmail !== undefined) patch.contactEmail = email(raw.contactEmail);
  if (Object.keys(patch).length === 0) throw invalid('nothing_to_change', 'Give at least one field to change.');
  return patch;
}

/** Public reason and internal note of a revocation. */
export function parseRevocation(raw: Record<string, unknown>) {
  return { reason: text(raw.reason, 'reason', 500, true), note: text(raw.note, 'note', 2000, false) || null };
}
