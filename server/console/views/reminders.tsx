import type { Delivery } from '../../reminders/outbox.ts';
import { Layout, type PageContext } from './layout.tsx';

export function DeliveryTable(props: { deliveries: Delivery[]; showCluster?: boolean }) {
  if (props.deliveries.length === 0) return <p>No reminders yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          {props.showCluster && <th>Cluster</th>}
          <th>Event</th>
          <th>Channel</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Queued (UTC)</th>
          <th>Sent / next try (UTC)</th>
          <th>Last error</th>
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
            <td>{d.channel === 'webhook' ? `webhook ${d.target}` : 'e-mail to the contact'}</td>
            <td>{d.status}</td>
            <td>{d.attempts}</td>
            <td>{d.createdAt.replace('T', ' ').slice(0, 16)}</td>
            <td>{(d.sentAt ?? (d.status === 'pending' ? d.nextAttemptAt : '')).replace('T', ' ').slice(0, 16)}</td>
            <td>{d.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RemindersPage(props: { page: PageContext; deliveries: Delivery[]; counts: Record<string, number>; channels: string[] | undefined }) {
  return (
    <Layout page={props.page} title="Reminders">
      {props.channels && <p>{props.channels.length ? `Sending to: ${props.channels.join('; ')}.` : 'No SMTP server and no webhook are configured: no reminders are sent.'}</p>}
      <p>
        Pending {props.counts.pending ?? 0} · sent {props.counts.sent ?? 0} · failed {props.counts.failed ?? 0}
      </p>
      <DeliveryTable deliveries={props.deliveries} showCluster />
    </Layout>
  );
}
