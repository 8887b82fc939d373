import type { AuditEntry, ChainReport } from '../../audit/log.ts';
import { AuditTable } from './dashboard.tsx';
import { Layout, number, type PageContext } from './layout.tsx';

export interface AuditFilters {
  subject: string;
  actor: string;
  action: string;
  from: string;
  until: string;
}

/** The audit log: filters, a page of entries with what each changed, and the chain's check on request. */
export function AuditPage(props: {
  page: PageContext;
  entries: AuditEntry[];
  filters: AuditFilters;
  actions: string[];
  chain: ChainReport | undefined;
  head: { seq: number; hash: string } | undefined;
  before: number | undefined;
  nextBefore: number | undefined;
  actorName: (actor: string) => string;
}) {
  const { page, chain } = props;
  const { t } = page;
  const query = new URLSearchParams(Object.entries(props.filters).filter(([, v]) => v));
  return (
    <Layout page={page} title={t.auditLog}>
      {chain ? (
        <p class={`notice ${chain.ok ? 'success' : 'error'}`} role={chain.ok ? 'status' : 'alert'}>
          {chain.ok
            ? t.chainOk(number(page, chain.entries), props.head ? `; #${props.head.seq} ${props.head.hash.slice(0, 16)}…` : '')
            : t.chainBroken(chain.brokenAt!.seq, chain.brokenAt!.reason)}
        </p>
      ) : (
        <p>
          {props.head && `${t.chainHead(props.head.seq, props.head.hash.slice(0, 16))} `}
          <a href={`/admin/audit?${new URLSearchParams([...query, ['verify', '1']])}`}>{t.verifyChain}</a>
        </p>
      )}
      <form method="get" action="/admin/audit" class="filters">
        <div class="fields">
          <label>
            {t.subject}
            <input name="subject" value={props.filters.subject} />
          </label>
          <label>
            {t.actor}
            <input name="actor" value={props.filters.actor} />
          </label>
          <label>
            {t.action}
            <select name="action">
              <option value="">{t.anyAction}</option>
              {props.actions.map((action) => (
                <option value={action} selected={action === props.filters.action}>
                  {action}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.from}
            <input type="date" name="from" value={props.filters.from} />
          </label>
          <label>
            {t.until}
            <input type="date" name="until" value={props.filters.until} />
          </label>
        </div>
        <div class="actions">
          <button type="submit">{t.filter}</button>
          <a href="/admin/audit">{t.clear}</a>
        </div>
      </form>
      <AuditTable page={page} entries={props.entries} actorName={props.actorName} />
      <nav class="pager" aria-label={t.olderEntries}>
        <ul>
          {props.before !== undefined && (
            <li>
              <a href={`/admin/audit?${query}`}>{t.newestEntries}</a>
            </li>
          )}
          {props.nextBefore !== undefined && (
            <li>
              <a href={`/admin/audit?${new URLSearchParams([...query, ['before', String(props.nextBefore)]])}`} rel="next">
                {t.olderEntries}
              </a>
            </li>
          )}
        </ul>
      </nav>
    </Layout>
  );
}
