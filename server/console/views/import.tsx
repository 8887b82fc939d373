import { LEVELS } from '../../domain/types.ts';
import type { LineError } from '../../import/index.ts';
import { LIST_STATUSES } from '../list.ts';
import { instant, Layout, levelName, number, PostForm, type Notice, type PageContext } from './layout.tsx';

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
  /** Why the write failed, from the error catalogue; absent for an unexpected error (nothing was written either way). */
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

/** An upload's time as the other console pages write instants: date and minute, UTC. */
const when = (iso: string) => `${instant(iso)} UTC`;

/** The import form, the latest imports, and the export. */
export function ImportExportPage(props: { page: PageContext; canImport: boolean; recent: ImportView[]; limits: ImportLimits; notice?: Notice | undefined }) {
  const { page, limits } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t.importExport} notice={props.notice}>
      {props.canImport && (
        <section aria-labelledby="import">
          <h2 id="import">{t.importRegister}</h2>
          <p>
            {t.importIntro[0]} <code>npm run admin -- register import</code>
            {t.importIntro[1]}
          </p>
          <p>{t.importLimits(number(page, limits.mib), number(page, limits.cellChars), number(page, limits.recordChars))}</p>
          {/* The token comes first: the server checks it before it reads the file. */}
          <form method="post" action="/admin/import" enctype="multipart/form-data" class="stack">
            <input type="hidden" name="csrf" value={page.csrfToken} />
            <label>
              <span>{t.defaultCountry}</span>
              <input type="text" name="country" maxlength={2} autocomplete="off" />
              <small>{t.defaultCountryHint}</small>
            </label>
            <label>
              <span>{t.defaultLevel}</span>
              <select name="level">
                <option value="">{t.noDefaultLevel}</option>
                {LEVELS.map((level) => (
                  <option value={level}>{levelName(page, level)}</option>
                ))}
              </select>
            </label>
            <label>
              <span>{t.csvFile}</span>
              <input type="file" name="file" accept=".csv,text/csv" required />
            </label>
            <button type="submit">{t.checkFile}</button>
          </form>
        </section>
      )}
      {props.recent.length > 0 && (
        <section aria-labelledby="recent">
          <h2 id="recent">{t.latestImports}</h2>
          <table>
            <thead>
              <tr>
                <th>{t.file}</th>
                <th>{t.state}</th>
                <th>{t.uploaded}</th>
              </tr>
            </thead>
            <tbody>
              {props.recent.map((view) => (
                <tr>
                  <td>{props.canImport ? <a href={`/admin/import/${view.id}`}>{view.fileName}</a> : view.fileName}</td>
                  <td>{t.importStates[view.state]}</td>
                  <td>{when(view.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-labelledby="export">
        <h2 id="export">{t.exportRegister}</h2>
        <p>{t.exportIntro}</p>
        <form method="get" action="/admin/export.csv" class="stack">
          <label>
            <span>{t.nameContains}</span>
            <input type="search" name="q" />
          </label>
          <label>
            <span>{t.country}</span>
            <input type="text" name="country" maxlength={2} autocomplete="off" />
          </label>
          <label>
            <span>{t.level}</span>
            <select name="level">
              <option value="">{t.anyLevel}</option>
              {LEVELS.map((level) => (
                <option value={level}>{levelName(page, level)}</option>
              ))}
            </select>
          </label>
          <label>
            <span>{t.status}</span>
            <select name="status">
              <option value="">{t.anyStatus}</option>
              {LIST_STATUSES.map((status) => (
                <option value={status}>{t.listStatuses[status]}</option>
              ))}
            </select>
          </label>
          <button type="submit">{t.downloadCsv}</button>
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
  const { page, view } = props;
  const { t } = page;
  const summary = view.summary;
  const running = view.state === 'checking' || view.state === 'writing';
  const notice: Notice | undefined =
    props.notice ??
    (view.state === 'done'
      ? { kind: 'success', text: t.importDone }
      : view.state === 'failed'
        ? { kind: 'error', text: summary?.failure ?? t.importServerFailed }
        : summary?.stale
          ? { kind: 'error', text: t.importStale }
          : undefined);
  return (
    <Layout page={page} title={t.importOf(view.fileName)} notice={notice} refresh={running ? 2 : undefined}>
      <p>{t.uploadedBy(when(view.createdAt), view.actor, t.importStates[view.state])}</p>
      {running && <Progress page={page} view={view} />}
      {summary && <Summary page={page} summary={summary} applied={view.state === 'done'} />}
      {summary && summary.errors.length > 0 && <RefusedLines page={page} id={view.id} errors={summary.errors} errorsPage={props.errorsPage} />}
      {view.state === 'checked' && summary && (
        <PostForm page={page} action={`/admin/import/${view.id}/confirm`} class="stack">
          <p>{summary.created + summary.updated + summary.labelled === 0 ? t.importNoChange : t.importConfirmHint}</p>
          <button type="submit">{t.importRows(summary.rows, number(page, summary.rows))}</button>
        </PostForm>
      )}
      {(view.state === 'refused' || view.state === 'done' || view.state === 'failed') && (
        <p>
          <a href="/admin/import">{view.state === 'refused' ? t.uploadCorrected : t.importAnother}</a>
        </p>
      )}
    </Layout>
  );
}

function Progress(props: { page: PageContext; view: ImportView }) {
  const { page } = props;
  const { t } = page;
  const progress = props.view.progress;
  const label = t.progressLabel[props.view.state === 'writing' ? 'writing' : 'checking'];
  if (!progress) return <p role="status">{`${label}… ${t.reloads}`}</p>;
  const total = progress.total ? number(page, progress.total) : undefined;
  return (
    <p role="status">
      <label>
        <span>{`${label}: ${t.progressDone(progress.phase, progress.total || progress.done, number(page, progress.done), total)} ${t.reloads}`}</span>
        {progress.total ? <progress max={progress.total} value={progress.done} /> : <progress />}
      </label>
    </p>
  );
}

function Summary(props: { page: PageContext; summary: ImportSummary; applied: boolean }) {
  const { page, applied } = props;
  const { t } = page;
  const s = props.summary;
  const figures = [
    ['created', s.created],
    ['updated', s.updated],
    ['labelled', s.labelled],
    ['unchanged', s.unchanged],
    ['refused', s.errors.length],
  ] as const;
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">{t.importSummary(applied)}</h2>
      <div class="cards">
        {figures.map(([kind, n]) => (
          <div>
            <span class="big">{number(page, n)}</span> {t.importFigure(kind, n, applied)}
          </div>
        ))}
      </div>
      <p>
        {t.importRowCount(s.rows, number(page, s.rows))} {t.fileSha256} <code>{s.sha256}</code>.{s.ignoredColumns.length > 0 && ` ${t.ignoredColumns(s.ignoredColumns.join(', '))}`}
      </p>
      {(['created', 'updated', 'labelled'] as const).map(
        (kind) =>
          s.samples[kind].length > 0 && (
            <p>
              {t.samples[kind]}: {s.samples[kind].join(', ')}
              {s[kind] > s.samples[kind].length ? t.andMore(number(page, s[kind] - s.samples[kind].length)) : ''}.
            </p>
          ),
      )}
    </section>
  );
}

function RefusedLines(props: { page: PageContext; id: string; errors: LineError[]; errorsPage: number }) {
  const { page } = props;
  const { t } = page;
  const pages = Math.ceil(props.errors.length / ERRORS_PER_PAGE);
  const shownPage = Math.min(Math.max(1, props.errorsPage), pages);
  const shown = props.errors.slice((shownPage - 1) * ERRORS_PER_PAGE, shownPage * ERRORS_PER_PAGE);
  const perPage = number(page, ERRORS_PER_PAGE);
  return (
    <section aria-labelledby="refused">
      <h2 id="refused">
        {t.refusedLines} ({number(page, props.errors.length)})
      </h2>
      <p>{t.refusedIntro}</p>
      <table>
        <thead>
          <tr>
            <th>{t.line}</th>
            <th>{t.reason}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((error) => (
            <tr>
              <td>{error.line}</td>
              <td>{t.lineReasons[error.code]?.(error.details ?? {}) ?? error.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav aria-label={t.refusedLines}>
          {shownPage > 1 && <a href={`/admin/import/${props.id}?errors=${shownPage - 1}`}>{t.previousN(perPage)}</a>} {t.pageNofM(number(page, shownPage), number(page, pages))}{' '}
          {shownPage < pages && <a href={`/admin/import/${props.id}?errors=${shownPage + 1}`}>{t.nextN(perPage)}</a>}
        </nav>
      )}
    </section>
  );
}
