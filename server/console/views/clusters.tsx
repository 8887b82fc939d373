import type { AuditEntry } from '../../audit/log.ts';
import { roleAllows } from '../../auth/roles.ts';
import { effectiveStatus, graceEnds, type Scheme } from '../../domain/schemes.ts';
import { LEVELS, type Cluster, type Label, type LabelStatus, type Level } from '../../domain/types.ts';
import type { Delivery } from '../../reminders/outbox.ts';
import { LIST_SORTS, LIST_STATUSES, listAddress, QUEUES, type ListCount, type ListPage, type ListQuery } from '../list.ts';
import { AuditTable } from './dashboard.tsx';
import { countries, country, date, Field, instant, Layout, levelName, number, PostForm, Select, StatusText, TextArea, type Notice, type PageContext } from './layout.tsx';
import { DeliveryTable } from './reminders.tsx';

type Values = Record<string, string>;

/** The list at any size: filters and sort in the address, keyset pages, the number of matches. */
export function ClusterListPage(props: { page: PageContext; query: ListQuery; list: ListPage; count: ListCount; countries: string[]; now: Date }) {
  const { page, query, list, count } = props;
  const { t } = page;
  const canWrite = page.user && roleAllows(page.user.role, 'officer');
  const filters = { q: query.q, country: query.country, level: query.level, status: query.status, queue: query.queue, sort: query.sort };
  const levels = [...LEVELS].reverse().map((level) => [level, levelName(page, level)] as const);
  return (
    <Layout page={page} title={query.queue ? t.queues[query.queue] : t.clusters}>
      <form method="get" action="/admin/clusters" class="filters">
        <div class="fields">
          <label>
            {t.search}
            <input type="search" name="q" value={query.q ?? ''} />
          </label>
          <label>
            {t.queue}
            <select name="queue">
              <option value="">{t.anyQueue}</option>
              {QUEUES.map((queue) => (
                <option value={queue} selected={queue === query.queue}>
                  {t.queues[queue]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.level}
            <select name="level">
              <option value="">{t.anyLevel}</option>
              {levels.map(([value, text]) => (
                <option value={value} selected={value === query.level}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.status}
            <select name="status">
              <option value="">{t.anyStatus}</option>
              {LIST_STATUSES.map((status) => (
                <option value={status} selected={status === query.status}>
                  {t.listStatuses[status]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.country}
            <select name="country">
              <option value="">{t.anyCountry}</option>
              {props.countries.map((code) => (
                <option value={code} selected={code === query.country}>
                  {country(page, code)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.sortBy}
            <select name="sort">
              {LIST_SORTS.map((sort) => (
                <option value={sort} selected={sort === query.sort}>
                  {t.sorts[sort]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="actions">
          <button type="submit">{t.apply}</button>
          <a href="/admin/clusters">{t.clear}</a>
          {canWrite && <a href="/admin/clusters/new">{t.registerCluster}</a>}
        </div>
      </form>
      <p class="summary" role="status">
        {count.total === 0 ? t.noneFound : t.found(number(page, count.total), count.more)}
      </p>
      {count.total > 0 && (
        <p>
          {/* Every match, not only this page: the list's address without its cursor. */}
          <a href={listAddress('/admin/export.csv', filters)} download>
            {t.exportList}
          </a>
        </p>
      )}
      {list.rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t.cluster}</th>
              <th>{t.id}</th>
              <th>{t.country}</th>
              <th>{t.level}</th>
              <th>{t.status}</th>
              <th>{t.validUntil}</th>
              <th>{t.lastChange}</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((row) => (
              <tr>
                <th>
                  <a href={`/admin/clusters/${row.id}`}>{row.name}</a>
                </th>
                <td>{row.id}</td>
                <td>{country(page, row.country)}</td>
                <td>{row.level ? levelName(page, row.level) : ''}</td>
                <td>
                  <StatusText page={page} status={row.status ? effectiveStatus({ status: row.status, validUntil: row.validUntil ?? '' }, props.now) : 'none'} />
                </td>
                <td>{date(page, row.validUntil)}</td>
                <td>{row.changedAt ? instant(row.changedAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label={t.nextPage}>
        <ul>
          {list.previous && (
            <li>
              <a href={listAddress('/admin/clusters', filters)}>{t.firstPage}</a>
            </li>
          )}
          {list.previous && (
            <li>
              <a href={listAddress('/admin/clusters', { ...filters, before: list.previous })} rel="prev">
                {t.previousPage}
              </a>
            </li>
          )}
          {list.next && (
            <li>
              <a href={listAddress('/admin/clusters', { ...filters, after: list.next })} rel="next">
                {t.nextPage}
              </a>
            </li>
          )}
        </ul>
      </nav>
    </Layout>
  );
}

/** The fields of a cluster, for registering one (with id) or editing one (without; with the version it was drawn from). */
export function ClusterFormPage(props: { page: PageContext; mode: 'new' | 'edit'; clusterId?: string; values: Values; version?: string | undefined; seen?: string | undefined; notice?: Notice | undefined; title?: string }) {
  const { page } = props;
  const { t } = page;
  const v = props.values;
  const isNew = props.mode === 'new';
  return (
    <Layout page={page} title={props.title ?? (isNew ? t.registerCluster : t.edit(v.name ?? props.clusterId ?? ''))} notice={props.notice}>
      <ClusterForm page={page} mode={props.mode} clusterId={props.clusterId} values={v} version={props.version} seen={props.seen} />
    </Layout>
  );
}

function ClusterForm(props: { page: PageContext; mode: 'new' | 'edit'; clusterId?: string | undefined; values: Values; version?: string | undefined; seen?: string | undefined }) {
  const { page } = props;
  const { t } = page;
  const v = props.values;
  const isNew = props.mode === 'new';
  return (
    <PostForm page={page} action={isNew ? '/admin/clusters' : `/admin/clusters/${props.clusterId}`} class="stack" version={props.version} seen={props.seen}>
      {isNew && <Field label={t.id} name="id" value={v.id} required hint={t.idHint} />}
      <Field label={t.name} name="name" value={v.name} required />
      <Field label={t.organisation} name="organisation" value={v.organisation} />
      <Select label={t.country} name="country" options={countries(page.lang)} value={v.country} empty={t.chooseCountry} required hint={t.countryHint} />
      <Field label={t.portfolio} name="portfolio" value={v.portfolio} />
      <TextArea label={t.websites} name="sites" value={v.sites} hint={t.websitesHint} />
      <Field label={t.contact} name="contactEmail" type="email" value={v.contactEmail} hint={t.contactHint} />
      <button type="submit">{isNew ? t.register : t.save}</button>
    </PostForm>
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
  /** The ECEI label's history, oldest first. */
  labels: Label<Level>[];
  /** The label actions recorded for this cluster (renewals with their previous end among them), newest first. */
  labelEvents: AuditEntry[];
  audit: AuditEntry[];
  deliveries: Delivery[];
  snippet: string;
  now: Date;
  today: string;
  /** The rules its labels follow. */
  scheme: Scheme;
  /** The version every form of the page carries. */
  version: string;
  /** What the label forms were drawn from, for a conflict page. */
  seen: string;
}

/** The cluster, its label history, the actions its current label allows, its snippet, reminders and audit trail. */
export function ClusterPage(props: { page: PageContext; detail: ClusterDetail; actorName: (actor: string) => string; notice?: Notice | undefined; failedForm?: string | undefined; values?: Values | undefined }) {
  const { page } = props;
  const { t } = page;
  const { cluster, labels, now, version, seen } = props.detail;
  const current = labels[labels.length - 1];
  const status = current ? effectiveStatus(current, now) : 'none';
  const canWrite = page.user && roleAllows(page.user.role, 'officer');
  // Only the form that failed gets back what was typed; the others start empty.
  const values = (form: string): Values => (props.failedForm === form ? (props.values ?? {}) : {});
  const base = `/admin/clusters/${cluster.id}`;
  // A form is offered when the current label allows its action, and always when it just failed, so nothing typed is lost.
  const offer = (form: string, allowed: boolean) => allowed || props.failedForm === form;
  const renewals = (label: Label) => props.detail.labelEvents.filter((e) => e.action === 'label.renew' && (e.after as { id?: number } | null)?.id === label.id);
  return (
    <Layout page={page} title={cluster.name} notice={props.notice}>
      <table>
        <tbody>
          <tr><th>{t.id}</th><td>{cluster.id}</td></tr>
          <tr><th>{t.organisation}</th><td>{cluster.organisation}</td></tr>
          <tr><th>{t.country}</th><td>{country(page, cluster.country)}</td></tr>
          <tr><th>{t.portfolio}</th><td>{cluster.portfolio}</td></tr>
          <tr><th>{t.websites}</th><td>{cluster.sites.length ? cluster.sites.join(', ') : t.noWebsites}</td></tr>
          <tr><th>{t.contact}</th><td>{cluster.contactEmail ?? t.noContact}</td></tr>
          <tr>
            <th>{t.currentLabel}</th>
            <td>
              {current ? <>{levelName(page, current.level)} · <StatusText page={page} status={status} /> · {t.validUntil} {date(page, current.validUntil)}</> : <StatusText page={page} status="none" />}
            </td>
          </tr>
        </tbody>
      </table>
      {canWrite && <p><a href={`${base}/edit`}>{t.editLink}</a></p>}
      {status === 'valid' && (
        <p>
          {t.credentials} <a href={`/v1/clusters/${cluster.id}/credentials/vc-jwt`} download>Open Badges 3.0 (VC-JWT)</a> ·{' '}
          <a href={`/v1/clusters/${cluster.id}/credentials/sd-jwt-vc`} download>SD-JWT VC</a>
        </p>
      )}

      {canWrite && (
        <section>
          <h2>{t.actions}</h2>
          {offer('award', status === 'none' || status === 'revoked' || status === 'withdrawn' || status === 'expired') && (
            <PostForm page={page} action={`${base}/award`} class="stack" version={version} seen={seen}>
              <strong>{t.award}</strong>
              <Select label={t.level} name="level" options={LEVELS.map((l) => [l, levelName(page, l)] as const)} value={values('award').level} />
              <Field label={t.assessed} name="awarded" type="date" value={values('award').awarded} hint={t.assessedHint} />
              <Field label={t.validUntil} name="validUntil" type="date" value={values('award').validUntil} hint={t.validUntilHint} />
              <Field label={t.reference} name="assessmentRef" value={values('award').assessmentRef} hint={t.referenceHint} />
              <button type="submit">{t.awardButton}</button>
            </PostForm>
          )}
          {current && offer('renew', status === 'valid' || (status === 'expired' && props.detail.today <= graceEnds(props.detail.scheme, current))) && (
            <PostForm page={page} action={`${base}/renew`} class="stack" version={version} seen={seen}>
              <strong>{t.renew(levelName(page, current.level))}</strong>
              <Field label={t.validUntil} name="validUntil" type="date" value={values('renew').validUntil} hint={t.renewHint(date(page, current.validUntil))} />
              <Field label={t.reference} name="assessmentRef" value={values('renew').assessmentRef} hint={t.referenceHint} />
              <button type="submit">{t.renewButton}</button>
            </PostForm>
          )}
          {current && current.level !== 'gold' && offer('upgrade', status === 'valid') && (
            <PostForm page={page} action={`${base}/upgrade`} class="stack" version={version} seen={seen}>
              <strong>{t.upgrade}</strong>
              <Select label={t.level} name="level" options={LEVELS.filter((l) => LEVELS.indexOf(l) > LEVELS.indexOf(current.level)).map((l) => [l, levelName(page, l)] as const)} value={values('upgrade').level} />
              <Field label={t.assessed} name="awarded" type="date" value={values('upgrade').awarded} hint={t.assessedHint} />
              <Field label={t.validUntil} name="validUntil" type="date" value={values('upgrade').validUntil} hint={t.validUntilHint} />
              <Field label={t.reference} name="assessmentRef" value={values('upgrade').assessmentRef} hint={t.referenceHint} />
              <button type="submit">{t.upgradeButton}</button>
            </PostForm>
          )}
          {offer('revoke', status === 'valid' || status === 'expired') && (
            <PostForm page={page} action={`${base}/revoke`} class="stack" version={version} seen={seen}>
              <strong>{t.revoke}</strong>
              <TextArea label={t.publicReason} name="reason" value={values('revoke').reason} required hint={t.publicReasonHint} />
              <TextArea label={t.internalNote} name="note" value={values('revoke').note} hint={t.internalNoteHint} />
              <button type="submit" class="danger">{t.revokeButton}</button>
            </PostForm>
          )}
          {offer('withdraw', status === 'expired') && (
            <PostForm page={page} action={`${base}/withdraw`} class="stack" version={version} seen={seen}>
              <strong>{t.withdraw}</strong>
              <Field label={t.reference} name="reference" value={values('withdraw').reference} required hint={t.referenceHint} />
              <button type="submit" class="danger">{t.withdrawButton}</button>
            </PostForm>
          )}
        </section>
      )}

      <h2>{t.history}</h2>
      {labels.length === 0 ? (
        <p>{t.noHistory}</p>
      ) : (
        <table>
          <thead>
            <tr><th>{t.level}</th><th>{t.assessedShort}</th><th>{t.validUntil}</th><th>{t.status}</th><th>{t.reasonOrReference}</th></tr>
          </thead>
          <tbody>
            {[...labels].reverse().map((label) => (
              <tr>
                <td>{levelName(page, label.level)}</td>
                <td>{date(page, label.awarded)}</td>
                <td>
                  {date(page, label.validUntil)}
                  <ul class="changes">
                    {renewals(label).map((entry) => (
                      <li>
                        {instant(entry.at).slice(0, 10)}: {t.renewedFrom(date(page, (entry.before as { validUntil?: string } | null)?.validUntil), date(page, (entry.after as { validUntil?: string } | null)?.validUntil))}
                        {(entry.after as { assessmentRef?: string } | null)?.assessmentRef ? ` (${(entry.after as { assessmentRef: string }).assessmentRef})` : ''}
                      </li>
                    ))}
                  </ul>
                </td>
                <td><StatusText page={page} status={effectiveStatus(label, now)} /></td>
                <td>
                  {label.assessmentRef ?? ''}
                  {label.revokedAt ? ` ${date(page, label.revokedAt)}: ${label.publicReason ?? ''}${label.internalNote ? ` (${t.internalNote}: ${label.internalNote})` : ''}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.snippetTitle}</h2>
      <p>{t.snippetIntro}</p>
      <pre>{props.detail.snippet}</pre>

      <h2>{t.reminders}</h2>
      <DeliveryTable page={page} deliveries={props.detail.deliveries} />

      <h2>{t.auditTrail}</h2>
      <AuditTable page={page} entries={props.detail.audit} actorName={props.actorName} />
    </Layout>
  );
}

export type LabelAction = 'renew' | 'upgrade' | 'revoke' | 'withdraw';

/** A label as the second look shows it. */
export interface LabelView {
  level: Level;
  status: LabelStatus;
  awarded: string;
  validUntil: string;
}

/**
 * The second look before a label action: the label now and as it will be (old and new
 * dates side by side), what was entered, and one button that does it.
 */
export function ConfirmPage(props: { page: PageContext; cluster: Cluster; action: LabelAction; current: LabelView | undefined; planned: LabelView | undefined; values: Values; version: string; seen: string }) {
  const { page } = props;
  const { t } = page;
  const rows: Array<[string, (l: LabelView) => string]> = [
    [t.level, (l) => levelName(page, l.level)],
    [t.status, (l) => (l.status === 'valid' || l.status === 'expired' ? t.listStatuses[l.status] : t.listStatuses[l.status === 'revoked' ? 'revoked' : 'withdrawn'])],
    [t.assessedShort, (l) => date(page, l.awarded)],
    [t.validUntil, (l) => date(page, l.validUntil)],
  ];
  const carried = Object.entries(props.values).filter(([name]) => !['csrf', 'confirm', 'version', 'seen'].includes(name));
  return (
    <Layout page={page} title={`${t.confirmTitle[props.action]} ${props.cluster.name}?`}>
      <p>{t.confirmIntro[props.action]}</p>
      <table class="compare">
        <thead>
          <tr><th></th><th>{t.now}</th><th>{t.after}</th></tr>
        </thead>
        <tbody>
          {rows.map(([name, show]) => {
            const before = props.current ? show(props.current) : '';
            const after = props.planned ? show(props.planned) : '';
            return (
              <tr>
                <th>{name}</th>
                <td>{before}</td>
                <td class={before !== after ? 'differs' : undefined}>{after}</td>
              </tr>
            );
          })}
          {props.values.assessmentRef !== undefined && <tr><th>{t.reference}</th><td></td><td>{props.values.assessmentRef || '—'}</td></tr>}
          {props.values.reference !== undefined && <tr><th>{t.reference}</th><td></td><td>{props.values.reference}</td></tr>}
          {props.values.reason !== undefined && <tr><th>{t.publicReason}</th><td></td><td>{props.values.reason}</td></tr>}
          {props.values.note !== undefined && <tr><th>{t.internalNote}</th><td></td><td>{props.values.note || '—'}</td></tr>}
        </tbody>
      </table>
      <PostForm page={page} action={`/admin/clusters/${props.cluster.id}/${props.action}`} class="stack" version={props.version} seen={props.seen}>
        {carried.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class={props.action === 'revoke' || props.action === 'withdraw' ? 'danger' : undefined}>
          {t.confirmButton[props.action]}
        </button>
      </PostForm>
      <p>
        <a href={`/admin/clusters/${props.cluster.id}`}>{t.goBack}</a>
      </p>
    </Layout>
  );
}

/**
 * A stale form: the cluster changed after the form was drawn and nothing was saved.
 * What the officer saw, what is stored now and what they sent, side by side; for an
 * edit, the form again with their values on the current version.
 */
export function ConflictPage(props: {
  page: PageContext;
  cluster: Cluster;
  fields: Array<{ name: string; label: string }>;
  seen: Values;
  now: Values;
  sent: Values;
  retry?: { values: Values; version: string; seen: string } | undefined;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t.conflictTitle} notice={{ kind: 'error', text: t.conflictIntro }}>
      <h2>{props.cluster.name}</h2>
      <table class="compare">
        <thead>
          <tr><th>{t.field}</th><th>{t.youSaw}</th><th>{t.storedNow}</th><th>{t.youSent}</th></tr>
        </thead>
        <tbody>
          {props.fields.map(({ name, label }) => (
            <tr>
              <th>{label}</th>
              <td>{props.seen[name] ?? ''}</td>
              <td class={(props.seen[name] ?? '') !== (props.now[name] ?? '') ? 'differs' : undefined}>{props.now[name] ?? ''}</td>
              <td>{props.sent[name] ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.retry ? (
        <ClusterForm page={page} mode="edit" clusterId={props.cluster.id} values={props.retry.values} version={props.retry.version} seen={props.retry.seen} />
      ) : (
        <p>
          <a href={`/admin/clusters/${props.cluster.id}`}>{t.labelConflictRetry}</a>
        </p>
      )}
    </Layout>
  );
}
