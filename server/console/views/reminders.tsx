import type { Delivery } from '../../reminders/outbox.ts';
import { instant, Layout, type PageContext } from './layout.tsx';

export function DeliveryTable(props: { page: PageContext; deliveries: Delivery[]; showCluster?: boolean }) {
  const { t } = props.page;
  if (props.deliveries.length === 0) return <p>{t.noReminders}</p>;
  return (
    <table class="compact">
      <thead>
        <tr>
          {props.showCluster && <th>{t.cluster}</th>}
          {t.reminderColumns.map((column) => (
            <th>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.deliveries.map((d) => (
          <tr>
            {props.showCluster && (
              <td>
                <a href={`/admin/clusters/${d.clusterId}`}>{d.clusterId}</a>
              </td>
            )}
            <td>{d.event}</td>
            <td>{d.channel === 'webhook' ? `webhook ${d.target}` : t.emailToContact}</td>
            <td>{d.status}</td>
            <td>{d.attempts}</td>
            <td>{instant(d.createdAt)}</td>
            <td>{d.sentAt ? instant(d.sentAt) : d.status === 'pending' ? instant(d.nextAttemptAt) : ''}</td>
            <td>{d.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RemindersPage(props: { page: PageContext; deliveries: Delivery[]; counts: Record<string, number>; channels: string[] | undefined }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.remindersTitle}>
      {props.channels && <p>{props.channels.length ? t.sendingTo(props.channels.join('; ')) : t.notSending}</p>}
      <p>{t.reminderCounts(props.counts.pending ?? 0, props.counts.sent ?? 0, props.counts.failed ?? 0)}</p>
      <DeliveryTable page={props.page} deliveries={props.deliveries} showCluster />
    </Layout>
  );
}
