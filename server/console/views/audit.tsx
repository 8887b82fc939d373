import type { AuditEntry, ChainReport } from '../../audit/log.ts';
import { AuditTable } from './dashboard.tsx';
import { Layout, type PageContext } from './layout.tsx';

export function AuditPage(props: {
  page: PageContext;
  entries: AuditEntry[];
  filters: { subject: string; action: string };
  chain: ChainReport;
  head: { seq: number; hash: string } | undefined;
  nextBefore: number | undefined;
  actorName: (actor: string) => string;
}) {
  const { chain } = props;
  const query = new URLSearchParams({ subject: props.filters.subject, action: props.filters.action });
  return (
    <Layout page={props.page} title="Audit log">
      <p class={`notice ${chain.ok ? 'success' : 'error'}`} role={chain.ok ? 'status' : 'alert'}>
        {chain.ok
          ? `The chain verifies: ${chain.entries} entries, each hash linked and signed${props.head ? `; head #${props.head.seq} ${props.head.hash.slice(0, 16)}…` : ''}.`
          : `The chain is broken at entry #${chain.brokenAt!.seq}: ${chain.brokenAt!.reason}.`}
      </p>
      <form method="get" action="/admin/audit" class="stack">
        <label>
          <span>Subject (cluster id, user:…, key:…)</span>
          <input name="subject" value={props.filters.subject} />
        </label>
        <label>
          <span>Action (e.g. label.revoke)</span>
          <input name="action" value={props.filters.action} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <AuditTable entries={props.entries} actorName={props.actorName} />
      {props.nextBefore !== undefined && (
        <p>
          <a href={`/admin/audit?${query}&before=${props.nextBefore}`}>Older entries</a>
        </p>
      )}
    </Layout>
  );
}
