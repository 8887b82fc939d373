import type { AuditEntry } from '../audit/log.ts';

/** One line of what an audit entry changed: a field with its value before and after (either absent when there was none). */
export interface FieldChange {
  field: string;
  before?: string | undefined;
  after?: string | undefined;
}

/** Bookkeeping that says nothing to a person reading the log. */
const HIDDEN = new Set(['id', 'clusterId', 'contact', 'sha256']);

/** What an import reports, in the order people read it. */
const IMPORT_COUNTS = ['rows', 'created', 'updated', 'labelled', 'unchanged'];

/**
 * What an audit entry changed, field by field: every field whose value differs
 * between `before` and `after` (a new thing: every field of `after`), as text. An
 * import's entry is its counts. Pure, so the audit page and its tests read the same.
 *
 * @example describeChange({ action: 'label.renew', before: { validUntil: '2026-03-31' }, after: { validUntil: '2028-03-31' } })
 * // [{ field: 'validUntil', before: '2026-03-31', after: '2028-03-31' }]
 */
export function describeChange(entry: Pick<AuditEntry, 'action' | 'before' | 'after'>): FieldChange[] {
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  if (entry.action === 'register.import' && after) {
    return IMPORT_COUNTS.filter((key) => after[key] !== undefined).map((key) => ({ field: key, after: text(after[key]) }));
  }
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((field) => !HIDDEN.has(field));
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const was = before?.[field];
    const now = after?.[field];
    if (JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) continue;
    changes.push({ field, before: was === undefined || was === null ? undefined : text(was), after: now === undefined || now === null ? undefined : text(now) });
  }
  return changes;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(', ');
  return JSON.stringify(value);
}
