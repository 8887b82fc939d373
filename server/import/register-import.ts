import { createHash } from 'node:crypto';
import type { HeadSigner } from '../audit/log.ts';
import { parseClusterInput, parseSite } from '../domain/clusters.ts';
import { addMonths, DATE_FORMS, readDate, utcDate } from '../domain/dates.ts';
import type { Periods } from '../domain/labels.ts';
import { isLevel, type Level } from '../domain/types.ts';
import type { Database, Trx } from '../registry/database.ts';
import { joinCurrentLabel } from '../registry/current-label.ts';
import { write, type Write } from '../registry/writes.ts';
import { CsvError, parseCsv, unguardCell } from './csv.ts';
import { slugify } from './slug.ts';

/** Header names (lowercase) and the field each fills; the real register's four first. */
const COLUMNS: Record<string, Field> = {
  name: 'name',
  'comparative portfolio': 'portfolio',
  portfolio: 'portfolio',
  www: 'sites',
  website: 'sites',
  websites: 'sites',
  'label valid until': 'validUntil',
  'valid until': 'validUntil',
  level: 'level',
  'label level': 'level',
  country: 'country',
  id: 'id',
  organisation: 'organisation',
  organization: 'organisation',
};
type Field = 'name' | 'portfolio' | 'sites' | 'validUntil' | 'level' | 'country' | 'id' | 'organisation';

export interface ImportOptions {
  /** For files without a Country column (the public register has none), or rows where it is empty. */
  defaultCountry?: string | undefined;
  /** For rows with a valid-until date but no level. */
  defaultLevel?: Level | undefined;
  dryRun?: boolean;
  actor: string;
  /** Called while writing, with rows done and rows in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface LineError {
  line: number;
  reason: string;
}

export interface ImportReport {
  sha256: string;
  rows: number;
  created: string[];
  updated: string[];
  /** Clusters given a label from the file (new, replaced or extended). */
  labelled: string[];
  unchanged: number;
  ignoredColumns: string[];
  errors: LineError[];
  /** False for a dry run or a file with errors. */
  applied: boolean;
}

interface Row {
  line: number;
  id: string;
  name: string;
  organisation: string | undefined;
  country: string | undefined;
  portfolio: string | undefined;
  sites: string[] | undefined;
  label: { level: Level; validUntil: string } | undefined;
}

const LEVEL_WORDS: Record<string, Level> = { bronze: 'bronze', silver: 'silver', silber: 'silver', gold: 'gold' };

/** `www.example.org`, `http://example.org/about` → the origin; a bare host is taken as https. */
function parseWebsite(value: string): string {
  if (value.includes('://') && !/^https?:\/\//i.test(value)) throw new Error('not http(s)');
  const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
  return parseSite(url.origin);
}

function readRow(line: number, cells: Record<Field, string | undefined>, options: ImportOptions): Row {
  const name = cells.name ?? '';
  if (!name) throw new Error('the name is empty');
  const id = cells.id || slugify(name);
  if (!id) throw new Error(`no id can be made from the name "${name}"; add an Id column`);
  let sites: string[] | undefined;
  if (cells.sites) {
    sites = [];
    for (const part of cells.sites.split(/[\s;|]+/).filter(Boolean)) {
      try {
        sites.push(parseWebsite(part));
      } catch {
        throw new Error(`"${part}" is not a website address`);
      }
    }
  }
  let label: Row['label'];
  if (cells.validUntil) {
    const validUntil = readDate(cells.validUntil);
    if (!validUntil) throw new Error(`"${cells.validUntil}" is not a date (write ${DATE_FORMS})`);
    const level = cells.level ? LEVEL_WORDS[cells.level.toLowerCase()] : options.defaultLevel;
    if (!level) throw new Error(cells.level ? `"${cells.level}" is not a level (bronze, silver, gold)` : 'the level is missing (add a Level column or --level)');
    label = { level, validUntil };
  } else if (cells.level) {
    throw new Error('a level without a valid-until date');
  }
  const country = cells.country || options.defaultCountry;
  if (!country) throw new Error('the country is missing (add a Country column or --country)');
  // The same checks as every other way in: the registry's own validation.
  const input = parseClusterInput({ id, name, organisation: cells.organisation, country, portfolio: cells.portfolio, sites: sites ?? [], contactEmail: null });
  return { line, id, name: input.name, organisation: cells.organisation === undefined ? undefined : input.organisation, country: input.country, portfolio: cells.portfolio ? input.portfolio : undefined, sites: sites && input.sites, label };
}

/** Reads and checks the whole file; every bad line is reported, none is skipped silently. */
export function readRegisterCsv(text: string, options: ImportOptions): { rows: Row[]; errors: LineError[]; ignoredColumns: string[] } {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) return { rows: [], errors: [{ line: error.line, reason: error.message }], ignoredColumns: [] };
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, reason: 'the file is empty' }], ignoredColumns: [] };
  const fields = header.cells.map((name) => COLUMNS[name.trim().toLowerCase()]);
  const ignoredColumns = header.cells.filter((_, i) => !fields[i]).map((name) => name.trim());
  if (!fields.includes('name')) return { rows: [], errors: [{ line: header.line, reason: 'there is no Name column' }], ignoredColumns };
  const rows: Row[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const record of body) {
    const cells = {} as Record<Field, string | undefined>;
    fields.forEach((field, i) => {
      if (field) cells[field] = unguardCell((record.cells[i] ?? '').trim());
    });
    try {
      if (record.cells.length > header.cells.length) throw new Error(`${record.cells.length} cells, but the header has ${header.cells.length}`);
      const row = readRow(record.line, cells, options);
      const first = seen.get(row.id);
      if (first !== undefined) throw new Error(`the id "${row.id}" is already used on line ${first}`);
      seen.set(row.id, record.line);
      rows.push(row);
    } catch (error) {
      errors.push({ line: record.line, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { rows, errors, ignoredColumns };
}

/** The assessment month implied by a label's end and its level's validity: the register does not give it. */
function impliedAwarded(validUntil: string, level: Level, periods: Periods, today: string): string {
  const awarded = `${addMonths(validUntil, -periods.validityMonths[level]).slice(0, 7)}-01`;
  return awarded < today ? awarded : today;
}

const CHUNK = 200;

/**
 * Imports the register from CSV: all or nothing, in one write transaction.
 *
 * The whole import is one audit entry (`register.import`) holding the file's
 * SHA-256, the counts and the ids it created, changed or labelled — not one
 * entry per row. It is one act of the office, and the archived file proves its
 * content; 1,300 separately signed entries would add nothing a reader could
 * check that the digest does not, and would bury the log. The entry is appended
 * in the same transaction, so the chain stays intact.
 */
export async function importRegister(database: Database, signer: HeadSigner, text: string, options: ImportOptions & { periods: Periods; now: Date }): Promise<ImportReport> {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const { rows, errors, ignoredColumns } = readRegisterCsv(text, options);
  const report: ImportReport = { sha256, rows: rows.length + errors.length, created: [], updated: [], labelled: [], unchanged: 0, ignoredColumns, errors, applied: false };
  if (errors.length > 0) return report;

  const apply = async (w: Write | undefined) => {
    const trx = w?.trx;
    const db = trx ?? database.db;
    const now = options.now;
    const at = now.toISOString();
    const today = utcDate(now);
    const clusters = new Map((await db.selectFrom('clusters').select(['id', 'name', 'organisation', 'country', 'portfolio', 'sites']).execute()).map((c) => [c.id, c]));
    const labelRows = await joinCurrentLabel(db.selectFrom('clusters')).select(['labels.id', 'labels.cluster_id', 'labels.level', 'labels.valid_until', 'labels.status']).execute();
    const current = new Map(labelRows.map((l) => [l.cluster_id, l]));

    const newClusters: Array<Parameters<typeof insertClusters>[1][number]> = [];
    const newLabels: Array<Parameters<typeof insertLabels>[1][number]> = [];
    const updates: Array<() => Promise<unknown>> = [];
    for (const row of rows) {
      const existing = clusters.get(row.id);
      let changed = false;
      if (!existing) {
        report.created.push(row.id);
        newClusters.push({ id: row.id, name: row.name, organisation: row.organisation ?? '', country: row.country!, portfolio: row.portfolio ?? '', sites: JSON.stringify(row.sites ?? []), contact_id: null, created_at: at, updated_at: at });
      } else {
        // An empty cell leaves the registered value alone: the register knows more than the file.
        const next = {
          name: row.name,
          organisation: row.organisation ?? existing.organisation,
          country: row.country ?? existing.country,
          portfolio: row.portfolio ?? existing.portfolio,
          sites: row.sites ? JSON.stringify(row.sites) : existing.sites,
        };
        if (Object.entries(next).some(([key, value]) => existing[key as keyof typeof next] !== value)) {
          changed = true;
          updates.push(() => db.updateTable('clusters').set({ ...next, updated_at: at }).where('id', '=', row.id).execute());
        }
      }
      const held = current.get(row.id);
      if (row.label && !(held && held.level === row.label.level && held.valid_until === row.label.validUntil)) {
        const status = row.label.validUntil < today ? 'expired' : 'valid';
        report.labelled.push(row.id);
        if (held && held.level === row.label.level && (held.status === 'valid' || held.status === 'expired') && row.label.validUntil > held.valid_until) {
          // The same label, extended: a renewal recorded elsewhere.
          updates.push(() => db.updateTable('labels').set({ valid_until: row.label!.validUntil, status, changed_at: at }).where('id', '=', held.id).execute());
        } else {
          if (held && (held.status === 'valid' || held.status === 'expired')) {
            updates.push(() => db.updateTable('labels').set({ status: 'superseded', changed_at: at }).where('id', '=', held.id).execute());
          }
          newLabels.push({ cluster_id: row.id, level: row.label.level, awarded: impliedAwarded(row.label.validUntil, row.label.level, options.periods, today), valid_until: row.label.validUntil, status, assessment_ref: null, revoked_at: null, public_reason: null, internal_note: null, changed_at: at });
        }
      }
      if (changed) report.updated.push(row.id);
      else if (existing && !report.labelled.includes(row.id)) report.unchanged++;
    }
    if (!w || !trx) return;

    const total = newClusters.length + updates.length + newLabels.length;
    let done = 0;
    const progress = (n: number) => options.onProgress?.((done += n), total);
    for (let i = 0; i < newClusters.length; i += CHUNK) progress(await insertClusters(trx, newClusters.slice(i, i + CHUNK)));
    // Updates before new labels: a superseded label is marked before its successor is inserted.
    for (const update of updates) {
      await update();
      progress(1);
    }
    for (let i = 0; i < newLabels.length; i += CHUNK) progress(await insertLabels(trx, newLabels.slice(i, i + CHUNK)));
    // One entry, however many rows: every instance drops the tokens it has signed when it hears it.
    if (total > 0) {
      await w.record(signer, {
        actor: options.actor,
        action: 'register.import',
        subject: `import:${sha256.slice(0, 16)}`,
        after: { sha256, rows: report.rows, created: report.created, updated: report.updated, labelled: report.labelled, unchanged: report.unchanged },
      });
    }
    report.applied = true;
  };

  if (options.dryRun) await apply(undefined);
  else await write(database, () => options.now, apply);
  return report;
}

async function insertClusters(trx: Trx, rows: Array<{ id: string; name: string; organisation: string; country: string; portfolio: string; sites: string; contact_id: null; created_at: string; updated_at: string }>) {
  if (rows.length) await trx.insertInto('clusters').values(rows).execute();
  return rows.length;
}

async function insertLabels(trx: Trx, rows: Array<{ cluster_id: string; level: Level; awarded: string; valid_until: string; status: 'valid' | 'expired'; assessment_ref: null; revoked_at: null; public_reason: null; internal_note: null; changed_at: string }>) {
  if (rows.length) await trx.insertInto('labels').values(rows).execute();
  return rows.length;
}
