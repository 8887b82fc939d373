import { LEVELS } from '../../domain/types.ts';
import type { LineError } from '../../import/index.ts';
import { STATUSES } from '../../registry/search.ts';
import { Layout, PostForm, type Notice, type PageContext } from './layout.tsx';

/** What a dry run (or the import) found, as the console keeps it between requests. */
export interface ImportSummary {
  sha256: string;
  planDigest: string;
  rows: number;
  created: number;
  updated: number;
  labelled: number;
  unchanged: number;
  ignoredColumns: string[];
  /** Every refused line, in file order. */
  errors: LineError[];
  /** The first ids of each kind, to show what the numbers are. */
  samples: { created: string[]; updated: string[]; labelled: string[] };
  /** The register changed after an earlier preview: this is a new one. */
  stale?: boolean;
  /** Why the write failed (nothing was written). */
  failure?: string;
}

export type ImportState = 'checking' | 'checked' | 'refused' | 'writing' | 'done' | 'failed';

export interface ImportView {
  id: string;
  fileName: string;
  state: ImportState;
  actor: string;
  createdAt: string;
  updatedAt: string;
  summary: ImportSummary | undefined;
  /** Lines read or rows written so far, while a job runs on this instance. */
  progress: { phase: 'reading' | 'checking' | 'writing'; done: number; total?: number | undefined } | undefined;
}

export interface ImportLimits {
  mib: number;
  cellChars: number;
  recordChars: number;
}

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
const STATE_TEXT: Record<ImportState, string> = {
  checking: 'being checked',
  checked: 'checked, waiting for confirmation',
  refused: 'refused: lines to correct',
  writing: 'being written',
  done: 'imported',
  failed: 'failed: nothing was written',
};

/** The import form, the latest imports, and the export. */
export function ImportExportPage(props: { page: PageContext; canImport: boolean; recent: ImportView[]; limits: ImportLimits; notice?: Notice | undefined }) {
  const { limits } = props;
  return (
    <Layout page={props.page} title="Import and export" notice={props.notice}>
      {props.canImport && (
        <section aria-labelledby="import">
          <h2 id="import">Import the register</h2>
          <p>
            The same CSV file as <code>npm run admin -- register import</code>: columns Name, Comparative portfolio, www, Label valid until, and optionally Level, Country, Id,
            Organisation (any order, case ignored; comma or semicolon). First the file is checked and you see what it would do; nothing is written until you confirm, and
            then all of it or nothing.
          </p>
          <p>
            At most {limits.mib} MiB, UTF-8, a cell at most {limits.cellChars.toLocaleString('en')} characters and a line at most {limits.recordChars.toLocaleString('en')}.
          </p>
          {/* The token comes first: the server checks it before it reads the file. */}
          <form method="post" action="/admin/import" enctype="multipart/form-data" class="stack">
            <input type="hidden" name="csrf" value={props.page.csrfToken} />
            <label>
              <span>Country for rows without one</span>
              <input type="text" name="country" maxlength={2} autocomplete="off" />
              <small>Two-letter ISO code, e.g. DE. The public register has no Country column.</small>
            </label>
            <label>
              <span>Level for rows with a valid-until date but no level</span>
              <select name="level">
                <option value="">none: such rows are refused</option>
                {LEVELS.map((level) => (
                  <option value={level}>{level}</option>
                ))}
              </select>
            </label>
            <label>
              <span>CSV file</span>
              <input type="file" name="file" accept=".csv,text/csv" required />
            </label>
            <button type="submit">Check the file</button>
          </form>
        </section>
      )}
      {props.recent.length > 0 && (
        <section aria-labelledby="recent">
          <h2 id="recent">Latest imports</h2>
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th>State</th>
                <th>Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {props.recent.map((view) => (
                <tr>
                  <td>{props.canImport ? <a href={`/admin/import/${view.id}`}>{view.fileName}</a> : view.fileName}</td>
                  <td>{STATE_TEXT[view.state]}</td>
                  <td>{when(view.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-labelledby="export">
        <h2 id="export">Export the register</h2>
        <p>Every cluster with its current label, in the columns the import reads (without contact e-mails); the filters are the cluster list's.</p>
        <form method="get" action="/admin/export.csv" class="stack">
          <label>
            <span>Name contains</span>
            <input type="search" name="q" />
          </label>
          <label>
            <span>Country</span>
            <input type="text" name="country" maxlength={2} autocomplete="off" />
          </label>
          <label>
            <span>Level</span>
            <select name="level">
              <option value="">any</option>
              {LEVELS.map((level) => (
                <option value={level}>{level}</option>
              ))}
            </select>
          </label>
          <label>
            <span>Label status</span>
            <select name="status">
              <option value="">any</option>
              {STATUSES.map((status) => (
                <option value={status}>{status === 'none' ? 'no label' : status}</option>
              ))}
            </select>
          </label>
          <button type="submit">Download CSV</button>
        </form>
      </section>
    </Layout>
  );
}

/** Refused lines shown on one page: a broken file of 100,000 lines stays a page a browser opens. */
export const ERRORS_PER_PAGE = 500;

/**
 * One import: while a job runs, its progress (the page reloads itself every two
 * seconds: the console has no script); then the summary on top, every refused line,
 * and the confirmation.
 */
export function ImportPage(props: { page: PageContext; view: ImportView; errorsPage: number; notice?: Notice | undefined }) {
  const { view } = props;
  const summary = view.summary;
  const running = view.state === 'checking' || view.state === 'writing';
  const notice: Notice | undefined =
    props.notice ??
    (view.state === 'done'
      ? { kind: 'success', text: 'The file is imported, and recorded in the audit log as one entry.' }
      : view.state === 'failed'
        ? { kind: 'error', text: summary?.failure ?? 'The import failed; nothing was written.' }
        : summary?.stale
          ? { kind: 'error', text: 'The register changed since the preview, so the import would now do something else. Nothing was written: check this new preview, then confirm again.' }
          : undefined);
  return (
    <Layout page={props.page} title={`Import of ${view.fileName}`} notice={notice} refresh={running ? 2 : undefined}>
      <p>
        Uploaded {when(view.createdAt)} by {view.actor}; {STATE_TEXT[view.state]}.
      </p>
      {running && <Progress view={view} />}
      {summary && <Summary summary={summary} applied={view.state === 'done'} />}
      {summary && summary.errors.length > 0 && <RefusedLines id={view.id} errors={summary.errors} page={props.errorsPage} />}
      {view.state === 'checked' && summary && (
        <PostForm page={props.page} action={`/admin/import/${view.id}/confirm`} class="stack">
          <p>
            {summary.created + summary.updated + summary.labelled === 0
              ? 'The file matches the register: importing it changes nothing.'
              : 'Nothing is written until you confirm; then every line is written, or none.'}
          </p>
          <button type="submit">Import {summary.rows.toLocaleString('en')} rows</button>
        </PostForm>
      )}
      {(view.state === 'refused' || view.state === 'done' || view.state === 'failed') && (
        <p>
          <a href="/admin/import">{view.state === 'refused' ? 'Upload the corrected file' : 'Import another file'}</a>
        </p>
      )}
    </Layout>
  );
}

function Progress(props: { view: ImportView }) {
  const progress = props.view.progress;
  const label = props.view.state === 'writing' ? 'Writing' : 'Checking';
  if (!progress) return <p role="status">{label}… This page reloads itself.</p>;
  const what = progress.phase === 'writing' ? 'rows written' : progress.phase === 'checking' ? 'rows compared with the register' : 'lines read';
  return (
    <p role="status">
      <label>
        <span>
          {label}: {progress.done.toLocaleString('en')}
          {progress.total ? ` of ${progress.total.toLocaleString('en')}` : ''} {what}. This page reloads itself.
        </span>
        {progress.total ? <progress max={progress.total} value={progress.done} /> : <progress />}
      </label>
    </p>
  );
}

function Summary(props: { summary: ImportSummary; applied: boolean }) {
  const s = props.summary;
  const verb = props.applied ? '' : 'to be ';
  const figures: Array<[string, number]> = [
    [`${verb}created`, s.created],
    [`${verb}updated`, s.updated],
    [`${verb}labelled`, s.labelled],
    ['unchanged', s.unchanged],
    ['refused', s.errors.length],
  ];
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">{props.applied ? 'Imported' : 'What the import would do'}</h2>
      <div class="cards">
        {figures.map(([label, n]) => (
          <div>
            <span class="big">{n.toLocaleString('en')}</span> {label}
          </div>
        ))}
      </div>
      <p>
        {s.rows.toLocaleString('en')} rows. File SHA-256 <code>{s.sha256}</code>.
        {s.ignoredColumns.length > 0 && ` Ignored columns: ${s.ignoredColumns.join(', ')}.`}
      </p>
      {(['created', 'updated', 'labelled'] as const).map(
        (kind) =>
          s.samples[kind].length > 0 && (
            <p>
              {kind === 'created' ? 'New' : kind === 'updated' ? 'Changed' : 'Labelled'}: {s.samples[kind].join(', ')}
              {s[kind] > s.samples[kind].length ? ` and ${(s[kind] - s.samples[kind].length).toLocaleString('en')} more` : ''}.
            </p>
          ),
      )}
    </section>
  );
}

function RefusedLines(props: { id: string; errors: LineError[]; page: number }) {
  const pages = Math.ceil(props.errors.length / ERRORS_PER_PAGE);
  const page = Math.min(Math.max(1, props.page), pages);
  const shown = props.errors.slice((page - 1) * ERRORS_PER_PAGE, page * ERRORS_PER_PAGE);
  return (
    <section aria-labelledby="refused">
      <h2 id="refused">Refused lines ({props.errors.length.toLocaleString('en')})</h2>
      <p>Nothing is imported while a line is refused: correct these lines in the file and upload it again.</p>
      <table>
        <thead>
          <tr>
            <th>Line</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((error) => (
            <tr>
              <td>{error.line}</td>
              <td>{error.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav aria-label="Refused lines">
          {page > 1 && <a href={`/admin/import/${props.id}?errors=${page - 1}`}>Previous {ERRORS_PER_PAGE}</a>} Page {page} of {pages}{' '}
          {page < pages && <a href={`/admin/import/${props.id}?errors=${page + 1}`}>Next {ERRORS_PER_PAGE}</a>}
        </nav>
      )}
    </section>
  );
}
