import { randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { requireRole } from '../auth/index.ts';
import { roleAllows } from '../auth/roles.ts';
import { ImportQuery, ListQuery } from '../contract/console.ts';
import { readQuery } from '../contract/query.ts';
import { utcDate } from '../domain/dates.ts';
import { isLevel } from '../domain/types.ts';
import { fail, LabelError } from '../errors.ts';
import { boundaryOf, CSV_LIMITS, CsvError, CsvParser, exportRegisterCsv, importRegister, MultipartError, MultipartReader, type ImportReport } from '../import/index.ts';
import { jsonLogger, type Logger } from '../log.ts';
import type { Services } from '../services.ts';
import { yieldToOthers } from '../registry/database.ts';
import { listedIds, queueDates } from './list.ts';
import { ImportExportPage, ImportPage, type ImportState, type ImportSummary, type ImportView } from './views/import.tsx';
import type { Notice, PageContext } from './views/layout.tsx';

/** The largest file an import takes: a register of 100,000 clusters is some 15 MiB. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Uploads are kept this long for their preview and confirmation, then dropped. */
const KEEP_HOURS = 24;
/** Ids of each kind a preview names. */
const SAMPLES = 20;
/** The characters of an upload kept in one row: one short statement each, however large the file. */
const PART_CHARS = 256 * 1024;
/** An upload whose file is still arriving: no page shows it, and a failed one is dropped. */
const RECEIVING = 'receiving';

/** What the console gives this module: its services, its guards, and how it draws a page. */
export interface ImportExportDeps {
  services: Services;
  /** A session is required (else a redirect to sign-in); reads no body. */
  signedIn: MiddlewareHandler;
  /** The CSRF check of a urlencoded form (it reads the body). */
  csrf: MiddlewareHandler;
  /** The session's CSRF token check, for a body the route reads itself; throws. */
  checkToken(c: Context, token: string | undefined): void;
  pageOf(c: Context): PageContext;
  actorOf(c: Context): string;
  logger?: Logger;
}

/** The one request whose body is not a small form: the console's form size limit lets it through, to the limit below. */
export const isImportUpload = (c: Context) => c.req.method === 'POST' && /\/import\/?$/.test(c.req.path);

type Progress = NonNullable<ImportView['progress']>;

/**
 * Import and export in the console (docs/console.md). An upload is read as it
 * arrives, limited in size, cell and line length, and kept in the registry; a job
 * checks it (the dry run) while its page reloads itself to show how far it got;
 * an officer confirms; a second job writes it through the one write pipeline, as
 * one transaction and one audit entry. Both jobs yield the event loop between
 * pieces, so attestations keep answering. The export streams the clusters the
 * cluster list shows for the same address, in its order, as CSV.
 */
export function importExportRoutes(app: Hono<any>, deps: ImportExportDeps) {
  const { services } = deps;
  const db = services.database.db;
  const logger = deps.logger ?? jsonLogger();
  const officer = requireRole('officer') as unknown as MiddlewareHandler;
  const viewer = requireRole('viewer') as unknown as MiddlewareHandler;
  /** Jobs running on this instance, by import id: what the progress page shows. */
  const running = new Map<string, Progress>();

  const load = async (id: string): Promise<ImportView> => {
    const row = /^[\w-]{22}$/.test(id) ? await db.selectFrom('console_imports').select(['id', 'file_name', 'state', 'actor', 'report', 'created_at', 'updated_at']).where('id', '=', id).executeTakeFirst() : undefined;
    if (!row || row.state === RECEIVING) throw fail('import_not_found');
    return {
      id: row.id,
      fileName: row.file_name,
      state: row.state as ImportState,
      actor: row.actor,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      summary: row.report ? (JSON.parse(row.report) as ImportSummary) : undefined,
      progress: running.get(row.id),
    };
  };

  const save = (id: string, state: ImportState, summary: ImportSummary | undefined) =>
    db
      .updateTable('console_imports')
      .set({ state, report: summary ? JSON.stringify(summary) : null, updated_at: services.now().toISOString() })
      .where('id', '=', id)
      .execute();

  const summaryOf = (report: ImportReport): ImportSummary => ({
    sha256: report.sha256,
    planDigest: report.planDigest,
    rows: report.rows,
    created: report.created.length,
    updated: report.updated.length,
    labelled: report.labelled.length,
    unchanged: report.unchanged,
    ignoredColumns: report.ignoredColumns,
    errors: report.errors,
    samples: { created: report.created.slice(0, SAMPLES), updated: report.updated.slice(0, SAMPLES), labelled: report.labelled.slice(0, SAMPLES) },
  });

  const fileOf = async (id: string) => {
    const row = await db.selectFrom('console_imports').select(['options', 'file_name']).where('id', '=', id).executeTakeFirstOrThrow();
    return { csv: partsOf(id), fileName: row.file_name, options: JSON.parse(row.options) as { country?: string; level?: 'bronze' | 'silver' | 'gold' } };
  };

  /** The file's text as it was kept, one part per read. */
  async function* partsOf(id: string): AsyncGenerator<string> {
    for (let seq = 0; ; seq++) {
      const part = await db.selectFrom('console_import_parts').select('text').where('import_id', '=', id).where('seq', '=', seq).executeTakeFirst();
      if (!part) return;
      yield part.text;
    }
  }

  const importOptions = async (id: string, actor: string) => {
    const file = await fileOf(id);
    const progress: Progress = { phase: 'reading', done: 0 };
    running.set(id, progress);
    return {
      csv: file.csv,
      options: {
        actor,
        fileName: file.fileName,
        defaultCountry: file.options.country,
        defaultLevel: file.options.level,
        scheme: services.registry.scheme,
        schemes: await services.registry.schemes.list(),
        now: services.now(),
        onStage: (stage: { phase: 'reading' | 'checking'; done: number; total?: number }) => Object.assign(progress, stage),
        onProgress: (done: number, total: number) => Object.assign(progress, { phase: 'writing', done, total }),
      },
    };
  };

  /** The dry run, in the background: the upload's answer does not wait for it. */
  const check = async (id: string, actor: string, extra: Partial<ImportSummary> = {}) => {
    try {
      const { csv, options } = await importOptions(id, actor);
      const report = await importRegister(services.database, services.keyring, csv, { ...options, dryRun: true });
      await save(id, report.errors.length ? 'refused' : 'checked', { ...summaryOf(report), ...extra });
    } catch (error) {
      await failed(id, error);
    } finally {
      running.delete(id);
    }
  };

  /** The import itself, in the background, checked against the preview the officer confirmed. */
  const apply = async (id: string, actor: string, preview: ImportSummary) => {
    try {
      const { csv, options } = await importOptions(id, actor);
      const report = await importRegister(services.database, services.keyring, csv, { ...options, expectedPlan: preview.planDigest, log: services.log });
      await save(id, report.errors.length ? 'refused' : 'done', summaryOf(report));
    } catch (error) {
      running.delete(id);
      if (error instanceof LabelError && error.code === 'import_stale') return check(id, actor, { stale: true });
      await failed(id, error, preview);
    } finally {
      running.delete(id);
    }
  };

  const failed = async (id: string, error: unknown, preview?: ImportSummary) => {
    if (!(error instanceof LabelError)) logger.error('import_failed', { import: id, message: (error as Error).message, stack: (error as Error).stack });
    // A catalogue message is kept as it is; for any other error the page says so in the reader's language.
    const failure = error instanceof LabelError ? { failure: error.message } : {};
    await save(id, 'failed', { ...(preview ?? emptySummary()), ...failure }).catch((saveError: Error) => logger.error('import_failed', { import: id, message: saveError.message }));
  };

  const renderIndex = async (c: Context, status: 200 | 400 | 403 | 404 | 409 | 413 = 200, notice?: Notice) => {
    const page = deps.pageOf(c);
    const canImport = !!page.user && roleAllows(page.user.role, 'officer');
    const rows = canImport
      ? await db.selectFrom('console_imports').select(['id', 'file_name', 'state', 'actor', 'created_at', 'updated_at']).where('state', '!=', RECEIVING).orderBy('created_at', 'desc').limit(10).execute()
      : [];
    const recent = rows.map((row) => ({ id: row.id, fileName: row.file_name, state: row.state as ImportState, actor: row.actor, createdAt: row.created_at, updatedAt: row.updated_at, summary: undefined, progress: undefined }));
    const limits = { mib: MAX_IMPORT_BYTES / 1024 / 1024, cellChars: CSV_LIMITS.cellChars, recordChars: CSV_LIMITS.recordChars };
    return c.html(<ImportExportPage page={page} canImport={canImport} recent={recent} limits={limits} notice={notice} />, status);
  };

  app.get('/import', deps.signedIn, viewer, deps.csrf, (c) => renderIndex(c));

  // Signed in and an officer before a byte of the body is read; the CSRF token is its first field.
  app.post('/import', deps.signedIn, officer, async (c) => {
    const now = services.now();
    const id = randomBytes(16).toString('base64url');
    const at = now.toISOString();
    const actor = deps.actorOf(c);
    // The upload's row is made once its token is checked and its file begins; its parts follow as they arrive.
    let kept = false;
    let seq = 0;
    const keep = async (fileName: string, text: string) => {
      if (!kept) {
        await db.insertInto('console_imports').values({ id, actor, file_name: fileName, options: '{}', state: RECEIVING, report: null, created_at: at, updated_at: at }).execute();
        kept = true;
      }
      await db.insertInto('console_import_parts').values({ import_id: id, seq: seq++, text }).execute();
    };
    try {
      await db.deleteFrom('console_imports').where('created_at', '<', new Date(now.getTime() - KEEP_HOURS * 3600_000).toISOString()).where('state', '!=', 'writing').execute();
      const options = await readUpload(c, deps, keep);
      await db.updateTable('console_imports').set({ options: JSON.stringify(options), state: 'checking', updated_at: services.now().toISOString() }).where('id', '=', id).execute();
      void check(id, actor);
      return c.redirect(`/admin/import/${id}`, 303);
    } catch (error) {
      // Its parts go with it.
      if (kept) await db.deleteFrom('console_imports').where('id', '=', id).execute();
      // A refused upload shows the form again with the reason; a forged one gets the console's own answer.
      if (!(error instanceof LabelError) || error.code.startsWith('csrf_')) throw error;
      return renderIndex(c, error.code === 'import_too_large' ? 413 : 400, { kind: 'error', text: error.message });
    }
  });

  app.get('/import/:id', deps.signedIn, officer, deps.csrf, async (c) => {
    const view = await load(c.req.param('id'));
    const errorsPage = readQuery(ImportQuery, c.req.url).errors;
    return c.html(<ImportPage page={deps.pageOf(c)} view={view} errorsPage={errorsPage} />);
  });

  app.post('/import/:id/confirm', deps.signedIn, officer, deps.csrf, async (c) => {
    const view = await load(c.req.param('id'));
    if (view.state !== 'checked' || !view.summary) {
      const error = view.state === 'refused' ? fail('import_has_errors') : fail('import_not_ready', { state: view.state });
      return c.html(<ImportPage page={deps.pageOf(c)} view={view} errorsPage={1} notice={{ kind: 'error', text: error.message }} />, 409);
    }
    // One confirmation: of two at once (a double click, two officers), one finds the state changed.
    const taken = await db
      .updateTable('console_imports')
      .set({ state: 'writing', updated_at: services.now().toISOString() })
      .where('id', '=', view.id)
      .where('state', '=', 'checked')
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) return c.redirect(`/admin/import/${view.id}`, 303);
    void apply(view.id, deps.actorOf(c), view.summary);
    return c.redirect(`/admin/import/${view.id}`, 303);
  });

  app.get('/export.csv', deps.signedIn, viewer, deps.csrf, (c) => {
    // The cluster list's address: its filters and sort, checked before the first byte is sent, so a bad one is still a 400.
    const query = readQuery(ListQuery, c.req.url);
    const now = services.now();
    const pieces = exportRegisterCsv(services.database, (batchSize) => listedIds(db, services.database.dialect, query, queueDates(now, services.registry.scheme), batchSize), now);
    const encoder = new TextEncoder();
    // One batch per pull: the browser's pace sets ours, and memory holds one batch at a time.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.csv));
      },
      async cancel() {
        await pieces.return(undefined);
      },
    });
    return new Response(body, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="register-${utcDate(now)}.csv"`,
      },
    });
  });
}

const emptySummary = (): ImportSummary => ({ sha256: '', planDigest: '', rows: 0, created: 0, updated: 0, labelled: 0, unchanged: 0, ignoredColumns: [], errors: [], samples: { created: [], updated: [], labelled: [] } });

/** The longest value a text field of the upload form has (a CSRF token, a country, a level). */
const MAX_FIELD_BYTES = 1024;

/**
 * Reads the upload form as it arrives: the CSRF token first (checked before the file
 * is read), the defaults, then the file, decoded as UTF-8 and run through the CSV
 * reader piece by piece, so a file over the size limit, with an over-long cell or
 * line, or not UTF-8, is refused as soon as that shows, without reading it whole.
 * The file's text goes to `keep` in parts of `PART_CHARS` as it is read: it is never
 * held whole. Answers the form's defaults.
 */
async function readUpload(c: Context, deps: ImportExportDeps, keep: (fileName: string, text: string) => Promise<void>): Promise<{ country?: string; level?: string }> {
  // Its origin was checked with every POST's, before any route (`sameOrigin`, guard.ts).
  const declared = Number(c.req.header('Content-Length'));
  if (declared > MAX_IMPORT_BYTES) throw fail('import_too_large', { mib: MAX_IMPORT_BYTES / 1024 / 1024 });
  const boundary = boundaryOf(c.req.header('Content-Type'));
  const stream = c.req.raw.body;
  if (!boundary || !stream) {
    // A form without a file (sent without its enctype): its token is checked all the same, then it is refused.
    const text = stream ? await readSmall(stream, MAX_FIELD_BYTES * 4) : undefined;
    deps.checkToken(c, text === undefined ? undefined : (new URLSearchParams(text).get('csrf') ?? undefined));
    throw fail('import_file_missing');
  }
  const reader = new MultipartReader(stream, boundary, MAX_IMPORT_BYTES, () => fail('import_too_large', { mib: MAX_IMPORT_BYTES / 1024 / 1024 }));
  const fields: Record<string, string> = {};
  let checked = false;
  let file: { fileName: string; blank: boolean } | undefined;
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (!checked && part.name !== 'csrf') deps.checkToken(c, undefined);
      if (part.filename === undefined) {
        const bytes: Uint8Array[] = [];
        let size = 0;
        for await (const piece of reader.body()) {
          if ((size += piece.length) > MAX_FIELD_BYTES) throw fail('malformed_form');
          bytes.push(piece);
        }
        if (part.name in fields) throw fail('duplicate_field', { field: part.name });
        fields[part.name] = Buffer.concat(bytes).toString('utf8');
        if (part.name === 'csrf') {
          deps.checkToken(c, fields.csrf);
          checked = true;
        }
        continue;
      }
      if (part.name !== 'file' || file) throw fail('malformed_form');
      const fileName = part.filename.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'upload.csv';
      file = { fileName, blank: await readCsvText(reader.body(), (text) => keep(fileName, text)) };
    }
  } catch (error) {
    if (error instanceof MultipartError) throw fail('malformed_form');
    throw error;
  }
  if (!checked) deps.checkToken(c, undefined);
  if (!file || file.blank) throw fail('import_file_missing');
  const country = fields.country?.trim().toUpperCase() || undefined;
  const level = fields.level?.trim() || undefined;
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw fail('invalid_field', { field: 'country', rule: 'must be a two-letter code such as DE' });
  if (level !== undefined && !isLevel(level)) throw fail('invalid_field', { field: 'level', rule: 'must be bronze, silver or gold' });
  return { ...(country ? { country } : {}), ...(level ? { level } : {}) };
}

/** A body of at most `max` bytes as text; undefined when it is longer (and then it is not read on). */
async function readSmall(stream: ReadableStream<Uint8Array>, max: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(pieces).toString('utf8');
    if ((size += value.length) > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    pieces.push(value);
  }
}

/**
 * The file's text, checked by the CSV reader's limits as it arrives and handed to `keep`
 * in parts of `PART_CHARS`; answers whether it was blank.
 */
async function readCsvText(bytes: AsyncIterable<Uint8Array>, keep: (text: string) => Promise<void>): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parser = new CsvParser();
  let pending: string[] = [];
  let pendingChars = 0;
  let blank = true;
  const take = (text: string) => {
    parser.push(text);
    pending.push(text);
    pendingChars += text.length;
    blank &&= text.trim() === '';
  };
  /** Keeps whole parts of what is pending, and at the end the rest. */
  const flush = async (end: boolean) => {
    let text = pending.join('');
    while (text.length >= PART_CHARS || (end && text.length > 0)) {
      let cut = Math.min(text.length, PART_CHARS);
      // Never between the halves of a surrogate pair.
      if (cut < text.length && /[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut++;
      await keep(text.slice(0, cut));
      text = text.slice(cut);
      // A fast upload arrives faster than it is checked, and its pieces then follow one
      // another without a turn of the event loop: other requests get one every part.
      await yieldToOthers();
    }
    pending = [text];
    pendingChars = text.length;
  };
  try {
    for await (const piece of bytes) {
      take(decoder.decode(piece, { stream: true }));
      if (pendingChars >= PART_CHARS) await flush(false);
    }
    take(decoder.decode());
    parser.end();
    await flush(true);
  } catch (error) {
    if (error instanceof CsvError) throw fail('import_unreadable', { code: error.code, reason: error.message });
    if (error instanceof TypeError) throw fail('import_not_utf8');
    throw error;
  }
  return blank;
}
