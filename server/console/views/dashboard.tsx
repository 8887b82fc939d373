import type { AuditEntry } from '../../audit/log.ts';
import type { LabelRow, Overview } from '../overview.ts';
import { Layout, type Notice, type PageContext } from './layout.tsx';

const STATUSES = ['valid', 'expired', 'revoked', 'withdrawn'] as const;
const LEVELS = ['bronze', 'silver', 'gold'] as const;

function LabelTable(props: { rows: Array<LabelRow & { extra?: string }>; extraHeading?: string; empty: string }) {
  if (props.rows.length === 0) return <p>{props.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Cluster</th>
          <th>Level</th>
          <th>Valid until</th>
          {props.extraHeading && <th>{props.extraHeading}</th>}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            <td>
              <a href={`/admin/clusters/${row.cluster.id}`}>{row.cluster.name}</a>
            </td>
            <td>{row.label.level}</td>
            <td>{row.label.validUntil}</td>
            {props.extraHeading && <td>{row.extra}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditTable(props: { entries: AuditEntry[]; actorName: (actor: string) => string }) {
  return (
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>When (UTC)</th>
          <th>Who</th>
          <th>What</th>
          <th>Subject</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry) => (
          <tr>
            <td>{entry.seq}</td>
            <td>{entry.at.replace('T', ' ').slice(0, 19)}</td>
            <td>{props.actorName(entry.actor)}</td>
            <td>{entry.action}</td>
            <td>{/^[a-z0-9-]+$/.test(entry.subject) ? <a href={`/admin/clusters/${entry.subject}`}>{entry.subject}</a> : entry.subject}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage(props: { page: PageContext; overview: Overview; actorName: (actor: string) => string; notice?: Notice | undefined }) {
  const { overview } = props;
  const count = (level: string, status: string) => overview.counts[level]?.[status] ?? 0;
  return (
    <Layout page={props.page} title="Dashboard" notice={props.notice}>
      <div class="cards">
        <div>
          <div class="big">{overview.clusters}</div> clusters registered
        </div>
        <div>
          <div class="big">{overview.expiring30.length}</div> labels end within 30 days
        </div>
        <div>
          <div class="big">{overview.inGrace.length}</div> expired, in their grace year
        </div>
        <div>
          <div class="big">{overview.awaitingWithdrawal.length}</div> waiting to be withdrawn
        </div>
      </div>
      <h2>Clusters by level and status of their current label</h2>
      <table>
        <thead>
          <tr>
            <th>Level</th>
            {STATUSES.map((status) => (
              <th>{status}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {LEVELS.map((level) => (
            <tr>
              <th>{level}</th>
              {STATUSES.map((status) => (
                <td>{count(level, status)}</td>
              ))}
            </tr>
          ))}
          <tr>
            <th>no label</th>
            <td colspan={STATUSES.length}>{count('none', 'none')}</td>
          </tr>
        </tbody>
      </table>
      <h2>Ending within 30 days</h2>
      <LabelTable rows={overview.expiring30} empty="No label ends within 30 days." />
      <h2>Ending within 90 days</h2>
      <LabelTable rows={overview.expiring90} empty="No label ends within 90 days." />
      <h2>Expired, still renewable (grace year)</h2>
      <LabelTable rows={overview.inGrace.map((r) => ({ ...r, extra: r.graceEnds }))} extraHeading="Renewable until" empty="No label is in its grace year." />
      <h2>Past the grace year, waiting for withdrawal</h2>
      <LabelTable rows={overview.awaitingWithdrawal.map((r) => ({ ...r, extra: r.graceEnded }))} extraHeading="Grace year ended" empty="No label is waiting to be withdrawn." />
      <h2>Recent changes</h2>
      <AuditTable entries={overview.recent} actorName={props.actorName} />
      <p>
        <a href="/admin/audit">The whole audit log</a>
      </p>
    </Layout>
  );
}
