import { createHash } from 'node:crypto';
import type { HeadSigner } from '../audit/log.ts';
import { ClusterInput } from '../contract/requests.ts';
import { parseWith } from '../contract/refusals.ts';
import { parseSite } from '../domain/clusters.ts';
import { addMonths, DATE_FORMS, readDate, utcDate } from '../domain/dates.ts';
import { levelOf, type Scheme } from '../domain/schemes.ts';
import type { Level } from '../domain/types.ts';
import type { Insertable, Updateable } from 'kysely';
import { fail, LabelError } from '../errors.ts';
import { yieldToOthers, type Database, type Db, type Trx } from '../registry/database.ts';
import { currentLabelsOf } from '../registry/current-label.ts';
import type { Schema } from '../registry/schema.ts';
import { coveredSize, treeSize } from '../log/store.ts';
import { write, type Write } from '../registry/writes.ts';
import { CsvError, CsvParser, parseCsv, unguardCell, type CsvRecord } from './csv.ts';
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
  scheme: 'scheme',
};
type Field = 'name' | 'portfolio' | 'sites' | 'validUntil' | 'level' | 'country' | 'id' | 'organisation' | 'scheme';

export interface ImportOptions {
  /** For files without a Country column (the public register has none), or rows where it is empty. */
  defaultCountry?: string | undefined;
  /** For rows with a valid-until date but no level, when it is a level of the row's scheme. */
  defaultLevel?: Level | undefined;
  /** The ECEI scheme: the scheme of every row that names none. */
  scheme: Scheme;
  /** Every scheme a Scheme column may name (the registry's `schemes.list()`); the ECEI's alone when absent. */
  schemes?: readonly Scheme[] | undefined;
  dryRun?: boolean;
  actor: string;
  /** Recorded in the audit entry beside the file's digest, when given (the console gives the upload's name). */
  fileName?: string | undefined;
  /**
   * The `planDigest` of the dry run the writer approved: should the register have
   * changed since so that the import would now do something else, it throws
   * `import_stale` and writes nothing.
   */
  expectedPlan?: string | undefined;
  /** Called while writing, with rows done and rows in all. */
  onProgress?: (done: number, total: number) => void;
  /** Called while reading and checking the file, with lines read (of `total` when known). */
  onStage?: (stage: { phase: 'reading' | 'checking'; done: number; total?: number }) => void;
  /**
   * The transparency log: before the import takes the write lock, a checkpoint covering
   * every committed entry is published, so that no attestation needs to publish one
   * (a write, which would wait for the import) while it writes. See docs/log.md.
   */
  log?: { publish(): Promise<unknown> } | undefined;
}

/**
 * Why a line is refused: a stable code, the values its sentence names, and the sentence
 * in English (the CLI's). The console says it in its reader's language by the code.
 */
export interface LineError {
  line: number;
  /** One of {@link LINE_REASONS}'s, a CSV error's (`csv_…`), or the registry's refusal's (`invalid_country`, …). */
  code: string;
  details?: LineDetails;
  reason: string;
}

export type LineDetails = Record<string, string | number>;

/** The import's own reasons for refusing a line, by code. */
export const LINE_REASONS = {
  name_empty: () => 'the name is empty',
  no_id: (d: { name: string }) => `no id can be made from the name "${d.name}"; add an Id column`,
  not_a_website: (d: { value: string }) => `"${d.value}" is not a website address`,
  not_a_date: (d: { value: string }) => `"${d.value}" is not a date (write ${DATE_FORMS})`,
  not_a_level: (d: { value: string; scheme: string; levels: string }) => `"${d.value}" is not a level of the scheme ${d.scheme} (${d.levels})`,
  unknown_scheme: (d: { value: string }) => `"${d.value}" is not a scheme of this register`,
  level_missing: () => 'the level is missing (add a Level column or --level)',
  level_without_date: () => 'a level without a valid-until date',
  country_missing: () => 'the country is missing (add a Country column or --country)',
  too_many_cells: (d: { cells: number; header: number }) => `${d.cells} cells, but the header has ${d.header}`,
  duplicate_id: (d: { id: string; first: number }) => `the id "${d.id}" is already used on line ${d.first}`,
  cluster_lines_differ: (d: { id: string; first: number }) => `the cluster "${d.id}" has other details on line ${d.first}; its lines must agree`,
  no_name_column: () => 'there is no Name column',
  file_empty: () => 'the file is empty',
} as const;
export type LineCode = keyof typeof LINE_REASONS;

class LineRefusal extends Error {
  readonly code: LineCode;
  readonly details: LineDetails | undefined;
  constructor(code: LineCode, details: LineDetails | undefined) {
    super((LINE_REASONS[code] as (d: LineDetails | undefined) => string)(details));
    this.code = code;
    this.details = details;
  }
}

function refuse<C extends LineCode>(code: C, ...details: Parameters<(typeof LINE_REASONS)[C]>): LineRefusal {
  return new LineRefusal(code, details[0]);
}

const lineError = (line: number, refusal: LineRefusal): LineError => ({ line, code: refusal.code, ...(refusal.details ? { details: refusal.details } : {}), reason: refusal.message });

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
  /** A digest of what the import does (or would do): equal plans, equal digests. */
  planDigest: string;
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
  /** The scheme the row's label is of (its Scheme cell, the ECEI's when empty). */
  scheme: Scheme;
  label: { level: string; validUntil: string } | undefined;
}

/** The level a cell names in `scheme`: its id or its name in any language, case ignored (`Silber` is `silver`). */
function levelNamed(scheme: Scheme, word: string): string | undefined {
  const wanted = word.toLowerCase();
  return scheme.levels.find((level) => level.id === wanted || Object.values(level.name).some((name) => name.toLowerCase() === wanted))?.id;
}

/** `www.example.org`, `http://example.org/about` → the origin; a bare host is taken as https. */
function parseWebsite(value: string): string {
  if (value.includes('://') && !/^https?:\/\//i.test(value)) throw new Error('not http(s)');
  const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
  return parseSite(url.origin);
}

function readRow(line: number, cells: Record<Field, string | undefined>, options: ImportOptions): Row {
  const name = cells.name ?? '';
  if (!name) throw refuse('name_empty');
  const id = cells.id || slugify(name);
  if (!id) throw refuse('no_id', { name });
  let sites: string[] | undefined;
  if (cells.sites) {
    sites = [];
    for (const part of cells.sites.split(/[\s;|]+/).filter(Boolean)) {
      try {
        sites.push(parseWebsite(part));
      } catch {
        throw refuse('not_a_website', { value: part });
      }
    }
  }
  const schemes = options.schemes ?? [options.scheme];
  const named = cells.scheme?.toLowerCase();
  const scheme = named ? schemes.find((known) => known.id === named) : options.scheme;
  if (!scheme) throw refuse('unknown_scheme', { value: cells.scheme ?? '' });
  let label: Row['label'];
  if (cells.validUntil) {
    const validUntil = readDate(cells.validUntil);
    if (!validUntil) throw refuse('not_a_date', { value: cells.validUntil });
    const level = cells.level ? levelNamed(scheme, cells.level) : options.defaultLevel && levelNamed(scheme, options.defaultLevel);
    if (!level) throw cells.level ? refuse('not_a_level', { value: cells.level, scheme: scheme.id, levels: scheme.levels.map((l) => l.id).join(', ') }) : refuse('level_missing');
    label = { level, validUntil };
  } else if (cells.level) {
    throw refuse('level_without_date');
  }
  const country = cells.country || options.defaultCountry;
  if (!country) throw refuse('country_missing');
  // The same checks as every other way in: the registry's own validation.
  const input = parseWith(ClusterInput, { id, name, organisation: cells.organisation, country, portfolio: cells.portfolio, sites: sites ?? [], contactEmail: null });
  return { line, id, name: input.name, organisation: cells.organisation === undefined ? undefined : input.organisation, country: input.country, portfolio: cells.portfolio ? input.portfolio : undefined, sites: sites && input.sites, scheme, label };
}

function sameCluster(a: Row, b: Row): boolean {
  return a.name === b.name && a.organisation === b.organisation && a.country === b.country && a.portfolio === b.portfolio && JSON.stringify(a.sites) === JSON.stringify(b.sites);
}

/** Reads the header, then each record as it comes; every bad line is reported, none is skipped silently. */
class RegisterReader {
  readonly rows: Row[] = [];
  readonly errors: LineError[] = [];
  ignoredColumns: string[] = [];
  readonly #options: ImportOptions;
  #header: CsvRecord | undefined;
  #fields: Array<Field | undefined> = [];
  /** The first row of each cluster, by id: a cluster has one line per scheme, and its lines agree on the cluster. */
  readonly #first = new Map<string, Row>();
  /** The line of each cluster's row per scheme, by `id scheme`. */
  readonly #seen = new Map<string, number>();

  constructor(options: ImportOptions) {
    this.#options = options;
  }

  add(records: readonly CsvRecord[]) {
    for (const record of records) {
      if (!this.#header) {
        this.#header = record;
        this.#fields = record.cells.map((name) => COLUMNS[name.trim().toLowerCase()]);
        this.ignoredColumns = record.cells.filter((_, i) => !this.#fields[i]).map((name) => name.trim());
        if (!this.#fields.includes('name')) this.errors.push(lineError(record.line, refuse('no_name_column')));
        continue;
      }
      if (!this.#fields.includes('name')) return;
      this.#add(record);
    }
  }

  #add(record: CsvRecord) {
    const header = this.#header!;
    const cells = {} as Record<Field, string | undefined>;
    this.#fields.forEach((field, i) => {
      if (field) cells[field] = unguardCell((record.cells[i] ?? '').trim());
    });
    try {
      if (record.cells.length > header.cells.length) throw refuse('too_many_cells', { cells: record.cells.length, header: header.cells.length });
      const row = readRow(record.line, cells, this.#options);
      const key = `${row.id} ${row.scheme.id}`;
      const same = this.#seen.get(key);
      if (same !== undefined) throw refuse('duplicate_id', { id: row.id, first: same });
      const first = this.#first.get(row.id);
      if (first && !sameCluster(first, row)) throw refuse('cluster_lines_differ', { id: row.id, first: first.line });
      this.#first.set(row.id, first ?? row);
      this.#seen.set(key, record.line);
      this.rows.push(row);
    } catch (error) {
      if (error instanceof LineRefusal) this.errors.push(lineError(record.line, error));
      else if (error instanceof LabelError) this.errors.push({ line: record.line, code: error.code, reason: error.message });
      else throw error;
    }
  }

  /** A file that broke off (a CSV error) reports where; an empty one says so. */
  finish(error?: CsvError) {
    if (error) this.errors.push({ line: error.line, code: error.code, reason: error.message });
    else if (!this.#header) this.errors.push(lineError(1, refuse('file_empty')));
    return { rows: this.rows, errors: this.errors, ignoredColumns: this.ignoredColumns };
  }
}

/** Reads and checks the whole file at once. */
export function readRegisterCsv(text: string, options: ImportOptions): { rows: Row[]; errors: LineError[]; ignoredColumns: string[] } {
  const reader = new RegisterReader(options);
  try {
    reader.add(parseCsv(text));
  } catch (error) {
    if (error instanceof CsvError) return reader.finish(error);
    throw error;
  }
  return reader.finish();
}

/** How much text is read between two turns of the event loop: a few milliseconds of work. */
const READ_PIECE = 16 * 1024;

/** The text in pieces of `READ_PIECE`, however large the source's own pieces (a kept upload's are 256 KiB). */
async function* pieces(source: string | AsyncIterable<string>): AsyncGenerator<string> {
  for await (const text of typeof source === 'string' ? [source] : source) {
    for (let i = 0; i < text.length; ) {
      let end = Math.min(text.length, i + READ_PIECE);
      // Never between the halves of a surrogate pair: the digest hashes each piece as UTF-8.
      if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++;
      yield text.slice(i, end);
      i = end;
    }
  }
}

/** Reads and checks a file piece by piece, yielding the event loop between pieces; also its SHA-256. */
export async function readRegister(source: string | AsyncIterable<string>, options: ImportOptions): Promise<ReturnType<RegisterReader['finish']> & { sha256: string }> {
  const reader = new RegisterReader(options);
  const parser = new CsvParser();
  const hash = createHash('sha256');
  try {
    for await (const piece of pieces(source)) {
      hash.update(piece);
      reader.add(parser.push(piece));
      options.onStage?.({ phase: 'reading', done: reader.rows.length + reader.errors.length });
      await yieldToOthers();
    }
    reader.add(parser.end());
  } catch (error) {
    if (error instanceof CsvError) return { ...reader.finish(error), sha256: hash.digest('hex') };
    throw error;
  }
  return { ...reader.finish(), sha256: hash.digest('hex') };
}

/** The assessment month implied by a label's end and its level's validity: the register does not give it. */
function impliedAwarded(validUntil: string, level: string, scheme: Scheme, today: string): string {
  const awarded = `${addMonths(validUntil, -levelOf(scheme, level).validityMonths).slice(0, 7)}-01`;
  return awarded < today ? awarded : today;
}

type NewCluster = Insertable<Schema['clusters']>;
type NewLabel = Insertable<Schema['labels']>;

/** What an import does, worked out before any write. */
interface Plan {
  created: string[];
  updated: string[];
  labelled: string[];
  unchanged: number;
  newClusters: NewCluster[];
  /** In file order; applied before the new labels, so a superseded label is marked before its successor is inserted. */
  changes: Array<{ table: 'clusters'; id: string; set: Updateable<Schema['clusters']> } | { table: 'labels'; id: number; set: Updateable<Schema['labels']> }>;
  newLabels: NewLabel[];
  digest: string;
}

/** Rows looked up in the registry at once: both dialects cap a statement's parameters. */
const LOOKUP = 250;
/** Rows inserted by one statement. */
const CHUNK = 200;

/**
 * Compares the file with the registry, `LOOKUP` rows at a time: it reads only the
 * clusters the file names, so its cost grows with the file, not the register. A
 * cluster's first line gives its details; each of its lines, one per scheme, its
 * label in that scheme.
 */
async function planImport(db: Db | Trx, rows: readonly Row[], options: ImportOptions & { now: Date }): Promise<Plan> {
  const at = options.now.toISOString();
  const today = utcDate(options.now);
  const plan: Plan = { created: [], updated: [], labelled: [], unchanged: 0, newClusters: [], changes: [], newLabels: [], digest: '' };
  /** Each cluster the file names, in file order: whether it is registered, changed, labelled. */
  const seen = new Map<string, { existing: boolean; changed: boolean; labelled: boolean }>();
  for (let start = 0; start < rows.length; start += LOOKUP) {
    const chunk = rows.slice(start, start + LOOKUP);
    const ids = [...new Set(chunk.map((row) => row.id))];
    const clusters = new Map((await db.selectFrom('clusters').select(['id', 'name', 'organisation', 'country', 'portfolio', 'sites']).where('id', 'in', ids).execute()).map((c) => [c.id, c]));
    const current = await currentLabelsOf(db, ids);
    for (const row of chunk) {
      let cluster = seen.get(row.id);
      if (!cluster) {
        const existing = clusters.get(row.id);
        cluster = { existing: existing !== undefined, changed: false, labelled: false };
        seen.set(row.id, cluster);
        if (!existing) {
          plan.created.push(row.id);
          plan.newClusters.push({ id: row.id, name: row.name, organisation: row.organisation ?? '', country: row.country!, portfolio: row.portfolio ?? '', sites: JSON.stringify(row.sites ?? []), contact_id: null, created_at: at, updated_at: at });
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
            cluster.changed = true;
            plan.updated.push(row.id);
            plan.changes.push({ table: 'clusters', id: row.id, set: { ...next, updated_at: at } });
          }
        }
      }
      const held = current.get(row.id)?.find((label) => label.scheme === row.scheme.id);
      if (row.label && !(held && held.level === row.label.level && held.validUntil === row.label.validUntil)) {
        const status = row.label.validUntil < today ? 'expired' : 'valid';
        if (!cluster.labelled) plan.labelled.push(row.id);
        cluster.labelled = true;
        if (held && held.level === row.label.level && (held.status === 'valid' || held.status === 'expired') && row.label.validUntil > held.validUntil) {
          // The same label, extended: a renewal recorded elsewhere.
          plan.changes.push({ table: 'labels', id: held.id, set: { valid_until: row.label.validUntil, status, changed_at: at } });
        } else {
          if (held && (held.status === 'valid' || held.status === 'expired')) plan.changes.push({ table: 'labels', id: held.id, set: { status: 'superseded', changed_at: at } });
          plan.newLabels.push({
            cluster_id: row.id,
            scheme: row.scheme.id,
            level: row.label.level,
            awarded: impliedAwarded(row.label.validUntil, row.label.level, row.scheme, today),
            valid_until: row.label.validUntil,
            status,
            assessment_ref: null,
            revoked_at: null,
            public_reason: null,
            internal_note: null,
            changed_at: at,
          });
        }
      }
    }
    options.onStage?.({ phase: 'checking', done: Math.min(rows.length, start + LOOKUP), total: rows.length });
    // SQLite answers synchronously: without this, every lookup would run in one turn of the event loop.
    await yieldToOthers();
  }
  for (const cluster of seen.values()) if (cluster.existing && !cluster.changed && !cluster.labelled) plan.unchanged++;
  plan.digest = createHash('sha256').update(JSON.stringify([plan.created, plan.updated, plan.labelled, plan.unchanged])).digest('hex');
  return plan;
}

/** The last audit entry's number: every change to the registry appends one, so an unchanged number means an unchanged registry. */
async function auditSeq(db: Db | Trx): Promise<number> {
  const row = await db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * Imports the register from CSV: all or nothing, in one write transaction.
 *
 * The file is read and compared with the registry before the transaction, piece by
 * piece, yielding the event loop between pieces; the transaction then only writes
 * (and works the comparison out again should the registry have changed meanwhile),
 * so it holds the write lock — on SQLite, the one connection — as briefly as it can.
 *
 * The whole import is one audit entry (`register.import`) holding the file's
 * SHA-256, the counts and the ids it created, changed or labelled — not one
 * entry per row. It is one act of the office, and the archived file proves its
 * content; 1,300 separately signed entries would add nothing a reader could
 * check that the digest does not, and would bury the log. The entry is appended
 * in the same transaction, so the chain stays intact.
 */
export async function importRegister(
  database: Database,
  signer: HeadSigner,
  source: string | AsyncIterable<string>,
  options: ImportOptions & { now: Date },
): Promise<ImportReport> {
  const { rows, errors, ignoredColumns, sha256 } = await readRegister(source, options);
  const report: ImportReport = { sha256, rows: rows.length + errors.length, created: [], updated: [], labelled: [], unchanged: 0, ignoredColumns, errors, planDigest: '', applied: false };
  // A dry run shows what the good lines would do beside the refused ones; an import writes none of them.
  if (errors.length > 0 && !options.dryRun) return report;

  const seen = await auditSeq(database.db);
  let plan = await planImport(database.db, rows, options);
  const settle = (final: Plan) => Object.assign(report, { created: final.created, updated: final.updated, labelled: final.labelled, unchanged: final.unchanged, planDigest: final.digest });
  settle(plan);
  if (options.dryRun) return report;

  // Entries committed after the checkpoint was published (another writer got in first):
  // publish again and start over, a few times; then write all the same.
  let insist = options.log !== undefined;
  for (let attempt = 0; ; attempt++) {
    if (insist) await options.log!.publish().catch(() => (insist = false));
    const started = await write(database, () => options.now, async (w) => {
      if (insist && attempt < 3 && (await treeSize(w.trx)) > (await coveredSize(w.trx))) return false;
      await applyImport(w);
      return true;
    });
    if (started) break;
  }
  report.applied = true;
  return report;

  async function applyImport(w: Write) {
    if ((await auditSeq(w.trx)) !== seen) settle((plan = await planImport(w.trx, rows, options)));
    if (options.expectedPlan !== undefined && plan.digest !== options.expectedPlan) throw fail('import_stale');
    await applyPlan(w, plan, options);
    // One entry, however many rows: every instance drops the tokens it has signed when it hears it.
    if (plan.newClusters.length + plan.changes.length + plan.newLabels.length > 0) {
      await w.record(signer, {
        actor: options.actor,
        action: 'register.import',
        subject: `import:${sha256.slice(0, 16)}`,
        after: {
          sha256,
          ...(options.fileName ? { fileName: options.fileName } : {}),
          rows: report.rows,
          counts: { created: plan.created.length, updated: plan.updated.length, labelled: plan.labelled.length, unchanged: plan.unchanged },
          created: plan.created,
          updated: plan.updated,
          labelled: plan.labelled,
          unchanged: plan.unchanged,
        },
      });
    }
  }
}

/** Writes a plan in chunks, letting the event loop turn between them. */
async function applyPlan({ trx }: Write, plan: Plan, options: ImportOptions) {
  const total = plan.newClusters.length + plan.changes.length + plan.newLabels.length;
  let done = 0;
  const progress = async (n: number) => {
    options.onProgress?.((done += n), total);
    await yieldToOthers();
  };
  for (let i = 0; i < plan.newClusters.length; i += CHUNK) {
    const chunk = plan.newClusters.slice(i, i + CHUNK);
    await trx.insertInto('clusters').values(chunk).execute();
    await progress(chunk.length);
  }
  for (let i = 0; i < plan.changes.length; i += CHUNK) {
    const chunk = plan.changes.slice(i, i + CHUNK);
    for (const change of chunk) {
      if (change.table === 'clusters') await trx.updateTable('clusters').set(change.set).where('id', '=', change.id).execute();
      else await trx.updateTable('labels').set(change.set).where('id', '=', change.id).execute();
    }
    await progress(chunk.length);
  }
  for (let i = 0; i < plan.newLabels.length; i += CHUNK) {
    const chunk = plan.newLabels.slice(i, i + CHUNK);
    await trx.insertInto('labels').values(chunk).execute();
    await progress(chunk.length);
  }
}
