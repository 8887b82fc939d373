import type { AuditEntry } from '../../audit/log.ts';
import { LEVELS } from '../../domain/types.ts';
import { describeChange } from '../changes.ts';
import { listAddress } from '../list.ts';
import { QUEUE_SORT, type Overview } from '../overview.ts';
import { country, date, instant, Layout, levelName, number, type Notice, type PageContext } from './layout.tsx';

const STATUSES = ['valid', 'expired', 'withdrawn', 'revoked'] as const;

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

/**
 * One screen at 1280 × 800: the counts, and each work queue as a card of its next ten
 * clusters, one short line each, with a link to all of it. The audit log has its own page.
 */
export function DashboardPage(props: { page: PageContext; overview: Overview; now: Date; notice?: Notice | undefined }) {
  const { overview, page } = props;
  const { t } = page;
  const listOf = (params: Record<string, string>) => `/admin/clusters?${new URLSearchParams(params)}`;
  return (
    <Layout page={page} title={t.dashboard} notice={props.notice}>
      <div class="overview">
        <div class="cards">
          <a href="/admin/clusters">
            <span class="big">{number(page, overview.clusters)}</span> {t.clustersRegistered}
          </a>
        </div>
        <table class="compact">
          <caption>{t.byLevel}</caption>
          <thead>
            <tr>
              <th>{t.level}</th>
              {STATUSES.map((status) => (
                <th class="num">{t.listStatuses[status]}</th>
              ))}
              <th class="num">{t.noLabel}</th>
            </tr>
          </thead>
          <tbody>
            {[...LEVELS].reverse().map((level, i) => (
              <tr>
                <th>{levelName(page, level)}</th>
                {STATUSES.map((status) => (
                  <td class="num">
                    <a href={listOf({ level, status })}>{number(page, overview.counts[level][status])}</a>
                  </td>
                ))}
                {i === 0 && (
                  <td class="num" rowspan={LEVELS.length}>
                    <a href={listOf({ status: 'none' })}>{number(page, overview.unlabelled)}</a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="queues">
        {overview.queues.map((queue) => {
          const all = listAddress('/admin/clusters', { queue: queue.queue, sort: QUEUE_SORT[queue.queue] });
          const total = `${queue.more ? '> ' : ''}${number(page, queue.total)}`;
          return (
            <section>
              <h2>
                <a href={all}>{t.queues[queue.queue]}</a> <span class="count">{total}</span>
              </h2>
              {queue.next.length === 0 ? (
                <p>{t.queueEmpty}</p>
              ) : (
                <ol>
                  {queue.next.map((row) => (
                    <li>
                      <a href={`/admin/clusters/${row.id}`}>{row.name}</a>
                      <span>{row.validUntil ? date(page, row.validUntil) : country(page, row.country)}</span>
                    </li>
                  ))}
                </ol>
              )}
              {queue.next.length > 0 && (
                <a class="all" href={all}>
                  {t.showAll(total)}
                </a>
              )}
            </section>
          );
        })}
      </div>
    </Layout>
  );
}
