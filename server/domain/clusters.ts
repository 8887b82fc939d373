import { fail } from '../errors.ts';
import type { Cluster } from './types.ts';

/** What registering a cluster takes: the cluster less the times the registry stamps. */
export type ClusterInput = Omit<Cluster, 'createdAt' | 'updatedAt'>;

export type ClusterPatch = Partial<Omit<ClusterInput, 'id'>>;

// The rules of a cluster's fields; what a request may hold is checked with them in `contract/requests.ts`.
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const COUNTRY = /^[A-Z]{2}$/;
// Deliberately plain: one @, no spaces or angle brackets, a dot in the domain.
export const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>".]{2,63}$/;
export const MAX_SITES = 20;

export const isClusterId = (value: unknown): value is string => typeof value === 'string' && SLUG.test(value);

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
