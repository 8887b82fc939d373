import type { AuditEntry } from '../../audit/log.ts';
import { effectiveStatus } from '../../domain/schemes.ts';
import { LEVELS } from '../../domain/types.ts';
import { describeChange } from '../changes.ts';
import { listAddress, type ListRow } from '../list.ts';
import { QUEUE_SORT, type Overview } from '../overview.ts';
import { country, date, instant, Layout, levelName, number, StatusText, type Notice, type PageContext } from './layout.tsx';

const STATUSES = ['valid', 'expired', 'withdrawn', 'revoked'] as const;

/** A short table of clusters: name, level and status, end date. */
export function ClusterRows(props: { page: PageContext; rows: ListRow[]; now: Date }) {
  const { page } = props;
  const { t } = page;
  return (
    <table class="compact">
      <thead>
        <tr>
          <th>{t.cluster}</th>
          <th>{t.country}</th>
          <th>{t.label}</th>
          <th>{t.validUntil}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            <td>
              <a href={`/admin/clusters/${row.id}`}>{row.name}</a>
            </td>
            <td>{country(page, row.country)}</td>
            <td>
              {row.level ? `${levelName(page, row.level)} · ` : ''}
              <StatusText page={page} status={row.status ? effectiveStatus({ status: row.status, validUntil: row.validUntil ?? '' }, props.now) : 'none'} />
            </td>
            <td>{date(page, row.validUntil)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Audit entries with who, what and what changed. */
export function AuditTable(props: { page: PageContext; entries: AuditEntry[]; actorName: (actor: string) => string }) {
  const { t } = props.page;
  if (props.entries.length === 0) return <p>{t.noEntries}</p>;
  return (
    <table class="compact">
      <thead>
        <tr>
          <th class="num">#</th>
          <th>{t.when} (UTC)</th>
          <th>{t.who}</th>
          <th>{t.action}</th>
          <th>{t.subject}</th>
          <th>{t.change}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry) => (
          <tr>
            <td class="num">{entry.seq}</td>
            <td>{instant(entry.at)}</td>
            <td>{props.actorName(entry.actor)}</td>
            <td>
              <code>{entry.action}</code>
            </td>
            <td>{/^[a-z0-9-]+$/.test(entry.subject) ? <a href={`/admin/clusters/${entry.subject}`}>{entry.subject}</a> : entry.subject}</td>
            <td>
              <ul class="changes">
                {describeChange(entry).map((change) => (
                  <li>
                    {change.field}:{' '}
                    {change.before !== undefined && <del>{change.before}</del>}
                    {change.before !== undefined && change.after !== undefined && ' → '}
                    {change.after !== undefined && <ins>{change.after}</ins>}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One screen: the counts, each work queue's next ten with a link to all of it, the latest changes. */
export function DashboardPage(props: { page: PageContext; overview: Overview; now: Date; actorName: (actor: string) => string; notice?: Notice | undefined }) {
  const { overview, page } = props;
  const { t } = page;
  const listOf = (params: Record<string, string>) => `/admin/clusters?${new URLSearchParams(params)}`;
  return (
    <Layout page={page} title={t.dashboard} notice={props.notice}>
      <div class="cards">
        <a href="/admin/clusters">
          <span class="big">{number(page, overview.clusters)}</span> {t.clustersRegistered}
        </a>
        {overview.queues.map((queue) => (
          <a href={listAddress('/admin/clusters', { queue: queue.queue, sort: QUEUE_SORT[queue.queue] })}>
            <span class="big">
              {queue.more ? '> ' : ''}
              {number(page, queue.total)}
            </span>{' '}
            {t.queues[queue.queue]}
          </a>
        ))}
      </div>
      <h2>{t.byLevel}</h2>
      <table class="compact">
        <thead>
          <tr>
            <th>{t.level}</th>
            {STATUSES.map((status) => (
              <th class="num">{t.listStatuses[status]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...LEVELS].reverse().map((level) => (
            <tr>
              <th>{levelName(page, level)}</th>
              {STATUSES.map((status) => (
                <td class="num">
                  <a href={listOf({ level, status })}>{number(page, overview.counts[level][status])}</a>
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th>{t.noLabel}</th>
            <td class="num" colspan={STATUSES.length}>
              <a href={listOf({ status: 'none' })}>{number(page, overview.unlabelled)}</a>
            </td>
          </tr>
        </tbody>
      </table>
      <div class="queues">
        {overview.queues.map((queue) => (
          <section>
            <h2>{t.queues[queue.queue]}</h2>
            {queue.next.length === 0 ? <p>{t.queueEmpty}</p> : <ClusterRows page={page} rows={queue.next} now={props.now} />}
            {queue.next.length > 0 && (
              <p>
                <a href={listAddress('/admin/clusters', { queue: queue.queue, sort: QUEUE_SORT[queue.queue] })}>{t.showAll(`${queue.more ? '> ' : ''}${number(page, queue.total)}`)}</a>
              </p>
            )}
          </section>
        ))}
      </div>
      <h2>{t.recentChanges}</h2>
      <AuditTable page={page} entries={overview.recent} actorName={props.actorName} />
      <p>
        <a href="/admin/audit">{t.wholeAudit}</a>
      </p>
    </Layout>
  );
}
