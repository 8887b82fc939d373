import type { AuditEntry } from '../../audit/log.ts';
import { effectiveStatus, graceEnds } from '../../domain/labels.ts';
import { LEVELS, type Cluster, type Label } from '../../domain/types.ts';
import type { Delivery } from '../../reminders/outbox.ts';
import { roleAllows } from '../../auth/roles.ts';
import { AuditTable } from './dashboard.tsx';
import { Field, Layout, PostForm, Select, TextArea, type Notice, type PageContext } from './layout.tsx';
import { DeliveryTable } from './reminders.tsx';

type Values = Record<string, string>;

export function ClusterListPage(props: {
  page: PageContext;
  search: string;
  rows: Array<{ cluster: Pick<Cluster, 'id' | 'name' | 'country'>; label: Label | undefined }>;
  now: Date;
}) {
  const canWrite = props.page.user && roleAllows(props.page.user.role, 'officer');
  return (
    <Layout page={props.page} title="Clusters">
      <form method="get" action="/admin/clusters" class="stack">
        <label>
          <span>Search by name or id</span>
          <input type="search" name="q" value={props.search} />
        </label>
        <button type="submit">Search</button>
      </form>
      {canWrite && (
        <p>
          <a href="/admin/clusters/new">Register a cluster</a>
        </p>
      )}
      <p>{props.rows.length === 0 ? 'No cluster matches.' : `${props.rows.length} clusters${props.rows.length === 200 ? ' (the first 200; refine the search)' : ''}.`}</p>
      <table>
        <thead>
          <tr>
            <th>Cluster</th>
            <th>Id</th>
            <th>Country</th>
            <th>Label</th>
            <th>Valid until</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(({ cluster, label }) => (
            <tr>
              <td>
                <a href={`/admin/clusters/${cluster.id}`}>{cluster.name}</a>
              </td>
              <td>{cluster.id}</td>
              <td>{cluster.country}</td>
              <td>{label ? `${label.level}, ${effectiveStatus(label, props.now)}` : 'none'}</td>
              <td>{label?.validUntil ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

/** The fields of a cluster, for registering one (with id) or editing one (without). */
export function ClusterFormPage(props: { page: PageContext; mode: 'new' | 'edit'; clusterId?: string; values: Values; notice?: Notice | undefined }) {
  const v = props.values;
  const isNew = props.mode === 'new';
  return (
    <Layout page={props.page} title={isNew ? 'Register a cluster' : `Edit ${v.name ?? props.clusterId}`} notice={props.notice}>
      <PostForm page={props.page} action={isNew ? '/admin/clusters' : `/admin/clusters/${props.clusterId}`} class="stack">
        {isNew && <Field label="Id" name="id" value={v.id} required hint="A lowercase slug used in the snippet and in every address, e.g. nordlicht-photonics. It cannot be changed later." />}
        <Field label="Name" name="name" value={v.name} required />
        <Field label="Organisation" name="organisation" value={v.organisation} />
        <Field label="Country" name="country" value={v.country} required hint="Two-letter ISO code, e.g. DE." />
        <Field label="Comparative portfolio" name="portfolio" value={v.portfolio} />
        <TextArea label="Websites" name="sites" value={v.sites} hint="One origin a line, exactly as the browser shows it: https://www.example.org" />
        <Field label="Contact e-mail" name="contactEmail" type="email" value={v.contactEmail} hint="Receives the expiry reminders." />
        <button type="submit">{isNew ? 'Register' : 'Save'}</button>
      </PostForm>
    </Layout>
  );
}

export function snippet(issuer: string, clusterId: string, programmeName: string): string {
  return (
    `<script type="module" src="${issuer}/widget.js"></script>\n` +
    `<cluster-label cluster="${clusterId}"><a href="${issuer}/clusters/${clusterId}">${programmeName} — verify</a></cluster-label>`
  );
}

export interface ClusterDetail {
  cluster: Cluster;
  labels: Label[];
  audit: AuditEntry[];
  deliveries: Delivery[];
  snippet: string;
  now: Date;
  today: string;
}

/** The cluster, its label history, the actions its current label allows, its snippet, reminders and audit trail. */
export function ClusterPage(props: { page: PageContext; detail: ClusterDetail; actorName: (actor: string) => string; notice?: Notice | undefined; failedForm?: string; values?: Values }) {
  const { cluster, labels, now } = props.detail;
  const current = labels[labels.length - 1];
  const status = current ? effectiveStatus(current, now) : 'none';
  const canWrite = props.page.user && roleAllows(props.page.user.role, 'officer');
  // Only the form that failed gets back what was typed; the others start empty.
  const values = (form: string): Values => (props.failedForm === form ? (props.values ?? {}) : {});
  const base = `/admin/clusters/${cluster.id}`;
  // A form is offered when the current label allows its action, and always when it just failed, so nothing typed is lost.
  const offer = (form: string, allowed: boolean) => allowed || props.failedForm === form;
  return (
    <Layout page={props.page} title={cluster.name} notice={props.notice}>
      <table>
        <tbody>
          <tr><th>Id</th><td>{cluster.id}</td></tr>
          <tr><th>Organisation</th><td>{cluster.organisation}</td></tr>
          <tr><th>Country</th><td>{cluster.country}</td></tr>
          <tr><th>Comparative portfolio</th><td>{cluster.portfolio}</td></tr>
          <tr><th>Websites</th><td>{cluster.sites.length ? cluster.sites.join(', ') : 'none: the badge will show "not this site" everywhere'}</td></tr>
          <tr><th>Contact</th><td>{cluster.contactEmail ?? 'none: no e-mail reminders'}</td></tr>
          <tr><th>Current label</th><td>{current ? `${current.level}, ${status}, valid until ${current.validUntil}` : 'none'}</td></tr>
        </tbody>
      </table>
      {canWrite && <p><a href={`${base}/edit`}>Edit name, websites and contact</a></p>}
      {status === 'valid' && (
        <p>
          Verifiable credentials of this label: <a href={`/v1/clusters/${cluster.id}/credentials/vc-jwt`} download>Open Badges 3.0 (VC-JWT)</a> ·{' '}
          <a href={`/v1/clusters/${cluster.id}/credentials/sd-jwt-vc`} download>SD-JWT VC</a>
        </p>
      )}

      {canWrite && (
        <section>
          <h2>Actions</h2>
          {offer('award', status === 'none' || status === 'revoked' || status === 'withdrawn' || status === 'expired') && (
            <PostForm page={props.page} action={`${base}/award`} class="stack">
              <strong>Award a label</strong>
              <Select label="Level" name="level" options={LEVELS} value={values('award').level} />
              <Field label="Assessment date" name="awarded" type="date" value={values('award').awarded} hint="Empty: today." />
              <Field label="Valid until" name="validUntil" type="date" value={values('award').validUntil} hint="Empty: from the level's validity period, to the end of the month." />
              <Field label="Assessment reference" name="assessmentRef" value={values('award').assessmentRef} />
              <button type="submit">Award</button>
            </PostForm>
          )}
          {current && offer('renew', status === 'valid' || (status === 'expired' && props.detail.today <= graceEnds(current))) && (
            <PostForm page={props.page} action={`${base}/renew`} class="stack">
              <strong>Renew the {current.level} label</strong>
              <Field label="Valid until" name="validUntil" type="date" value={values('renew').validUntil} hint={`Empty: extended from ${current!.validUntil} by the level's renewal period.`} />
              <Field label="Assessment reference" name="assessmentRef" value={values('renew').assessmentRef} />
              <button type="submit">Renew</button>
            </PostForm>
          )}
          {current && current.level !== 'gold' && offer('upgrade', status === 'valid') && (
            <PostForm page={props.page} action={`${base}/upgrade`} class="stack">
              <strong>Upgrade to a higher level</strong>
              <Select label="Level" name="level" options={LEVELS.filter((l) => LEVELS.indexOf(l) > LEVELS.indexOf(current.level))} value={values('upgrade').level} />
              <Field label="Assessment date" name="awarded" type="date" value={values('upgrade').awarded} hint="Empty: today." />
              <Field label="Valid until" name="validUntil" type="date" value={values('upgrade').validUntil} />
              <Field label="Assessment reference" name="assessmentRef" value={values('upgrade').assessmentRef} />
              <button type="submit">Upgrade</button>
            </PostForm>
          )}
          {offer('revoke', status === 'valid' || status === 'expired') && (
            <PostForm page={props.page} action={`${base}/revoke`} class="stack">
              <strong>Revoke the label</strong>
              <TextArea label="Public reason" name="reason" value={values('revoke').reason} required hint="Shown to every visitor of the badge." />
              <TextArea label="Internal note" name="note" value={values('revoke').note} hint="Stays in the office." />
              <button type="submit" class="danger">Revoke…</button>
            </PostForm>
          )}
          {offer('withdraw', status === 'expired') && (
            <PostForm page={props.page} action={`${base}/withdraw`} class="stack">
              <strong>Withdraw the expired label</strong>
              <button type="submit" class="danger">Withdraw…</button>
            </PostForm>
          )}
        </section>
      )}

      <h2>Label history</h2>
      {labels.length === 0 ? (
        <p>No label yet.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Level</th><th>Assessed</th><th>Valid until</th><th>Status</th><th>Reference</th><th>Revocation</th></tr>
          </thead>
          <tbody>
            {[...labels].reverse().map((label) => (
              <tr>
                <td>{label.level}</td>
                <td>{label.awarded}</td>
                <td>{label.validUntil}</td>
                <td>{effectiveStatus(label, now)}</td>
                <td>{label.assessmentRef ?? ''}</td>
                <td>{label.revokedAt ? `${label.revokedAt.slice(0, 10)}: ${label.publicReason ?? ''}${label.internalNote ? ` (internal: ${label.internalNote})` : ''}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Embed snippet</h2>
      <p>Send this to the cluster, to paste once into its website:</p>
      <pre>{props.detail.snippet}</pre>

      <h2>Reminders</h2>
      <DeliveryTable deliveries={props.detail.deliveries} />

      <h2>Audit trail</h2>
      <AuditTable entries={props.detail.audit} actorName={props.actorName} />
    </Layout>
  );
}

/** The second step of revoking or withdrawing: what will happen, and one button to do it. */
export function ConfirmPage(props: { page: PageContext; cluster: Cluster; action: 'revoke' | 'withdraw'; values: Values }) {
  const revoke = props.action === 'revoke';
  return (
    <Layout page={props.page} title={`${revoke ? 'Revoke' : 'Withdraw'} the label of ${props.cluster.name}?`}>
      <p>
        {revoke
          ? 'The label ends now. Every badge shows "revoked" with the public reason within minutes; this cannot be undone, only followed by a new award.'
          : 'The expired label is formally withdrawn; it can no longer be renewed, only followed by a new award.'}
      </p>
      {revoke && (
        <table>
          <tbody>
            <tr><th>Public reason</th><td>{props.values.reason}</td></tr>
            <tr><th>Internal note</th><td>{props.values.note || '—'}</td></tr>
          </tbody>
        </table>
      )}
      <PostForm page={props.page} action={`/admin/clusters/${props.cluster.id}/${props.action}`} class="stack">
        {revoke && <input type="hidden" name="reason" value={props.values.reason} />}
        {revoke && <input type="hidden" name="note" value={props.values.note ?? ''} />}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">{revoke ? 'Yes, revoke the label' : 'Yes, withdraw the label'}</button>
      </PostForm>
      <p>
        <a href={`/admin/clusters/${props.cluster.id}`}>No, go back</a>
      </p>
    </Layout>
  );
}
