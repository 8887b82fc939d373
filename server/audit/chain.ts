import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so one value has one byte form. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    // A list of plain values (an import's 100,000 ids) has this form already in JSON.stringify's: in one call, not one per item.
    if (value.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item))) return JSON.stringify(value);
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
  prevHash: string;
}

/** The hash that links an entry to the one before it. */
export function entryHash(fields: ChainFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}
