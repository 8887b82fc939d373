import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ListQuery } from '../contract/console.ts';
import { readQuery } from '../contract/query.ts';
import { ClusterInput, ClusterPatch } from '../contract/requests.ts';
import { isClusterId } from '../domain/clusters.ts';
import { utcDate } from '../domain/dates.ts';
import { eceiLabel } from '../domain/labels.ts';
import { ECEI, effectiveStatus } from '../domain/schemes.ts';
import type { Cluster, Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { registeredCountries } from '../registry/search.ts';
import { actorNames, actorOf, noticeOf, pageOf, type ConsoleContext, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { clusterValues, decodeSeen, encodeSeen, failure, formOf, isStale, parseForm, sitesOf } from './forms.ts';
import { guard } from './guard.ts';
import { yieldToOthers } from '../registry/database.ts';
import { countClusters, listClusters, queueDates } from './list.ts';
import { ClusterFormPage, ClusterListPage, ClusterPage, ConflictPage, snippet, type ClusterDetail } from './views/clusters.tsx';
import { country, date, levelName, type Notice } from './views/layout.tsx';

/** What a cluster page's forms were drawn from: its fields and its current label, as text. */
export function seenOf(cluster: Cluster, label: Label | undefined, now: Date): Record<string, string> {
  return {
    ...clusterValues(cluster),
    level: label?.level ?? '',
    status: label ? effectiveStatus(label, now) : 'none',
    awarded: label?.awarded ?? '',
    validUntil: label?.validUntil ?? '',
  };
}

/** Reading a cluster with everything its page shows; `cluster_not_found` for an id that is none. */
export async function loadDetail(deps: ConsoleDeps, id: string): Promise<ClusterDetail> {
  const { registry, config, now: clock } = deps.services;
  const cluster = isClusterId(id) ? await registry.getCluster(id) : undefined;
  if (!cluster) throw fail('cluster_not_found');
  const now = clock();
  const [labels, labelEvents, audit, deliveries, version] = await Promise.all([
    registry.getLabels(id),
    registry.audit({ subject: id, action: 'label.renew', limit: 500 }),
    registry.audit({ subject: id, limit: 50 }),
    deps.outbox.list({ clusterId: id, limit: 50 }),
    registry.version(id),
  ]);
  return {
    cluster,
    labels: labels.filter((label) => label.scheme === ECEI).map(eceiLabel),
    labelEvents,
    audit,
    deliveries,
    snippet: snippet(config.publicUrl, id, config.programmeName),
    now,
    today: utcDate(now),
    scheme: registry.scheme,
    version: version ?? '',
    seen: encodeSeen(seenOf(cluster, labels.findLast((label) => label.scheme === ECEI), now)),
  };
}

export async function renderDetail(
  c: ConsoleContext,
  deps: ConsoleDeps,
  id: string,
  extra: { status?: ContentfulStatusCode; notice?: Notice | undefined; failedForm?: string; values?: Record<string, string> } = {},
) {
  const detail = await loadDetail(deps, id);
  return c.html(
    <ClusterPage page={pageOf(c, deps)} detail={detail} actorName={await actorNames(deps)} notice={extra.notice ?? noticeOf(c)} failedForm={extra.failedForm} values={extra.values} />,
    extra.status ?? 200,
  );
}

/**
 * A stale form: nothing was written. The page shows what the form was drawn from,
 * what is stored now and what was sent; for an edit, the form again on the current version.
 */
export async function renderConflict(c: ConsoleContext, deps: ConsoleDeps, id: string, form: Record<string, string>, kind: 'edit' | 'label') {
  const page = pageOf(c, deps);
  const { t } = page;
  const detail = await loadDetail(deps, id);
  const now = seenOf(detail.cluster, detail.labels.at(-1), detail.now);
  const seen = decodeSeen(form.seen);
  const { csrf: _, version: __, seen: ___, confirm: ____, ...sent } = form;
  const shown = (values: Record<string, string>) => ({
    ...values,
    country: values.country ? country(page, values.country) : '',
    level: values.level ? levelName(page, values.level as 'bronze') : '',
    status: values.status ? t.listStatuses[values.status as 'valid'] ?? values.status : '',
    awarded: date(page, values.awarded),
    validUntil: date(page, values.validUntil),
  });
  const clusterFields = [
    { name: 'name', label: t.name },
    { name: 'organisation', label: t.organisation },
    { name: 'country', label: t.country },
    { name: 'portfolio', label: t.portfolio },
    { name: 'sites', label: t.websites },
    { name: 'contactEmail', label: t.contact },
  ];
  const labelFields = [
    { name: 'level', label: t.level },
    { name: 'status', label: t.status },
    { name: 'awarded', label: t.assessedShort },
    { name: 'validUntil', label: t.validUntil },
    ...['assessmentRef', 'reference', 'reason', 'note'].filter((name) => sent[name] !== undefined).map((name) => ({ name, label: name === 'reason' ? t.publicReason : name === 'note' ? t.internalNote : t.reference })),
  ];
  const retry = kind === 'edit' ? { values: { ...clusterValues(detail.cluster), ...sent }, version: detail.version, seen: encodeSeen(now) } : undefined;
  return c.html(
    <ConflictPage page={page} cluster={detail.cluster} fields={kind === 'edit' ? clusterFields : labelFields} seen={shown(seen)} now={shown(now)} sent={shown(sent)} retry={retry} />,
    409,
  );
}

/** The list, registering, reading and editing a cluster. */
export function clusterRoutes(deps: ConsoleDeps) {
  const { registry, database } = deps.services;
  const app = new Hono<ConsoleEnv>();

  app.get('/clusters', ...guard('viewer'), async (c) => {
    const query = readQuery(ListQuery, c.req.url);
    const now = deps.services.now();
    // The count first: it is cheap (capped), and tells the list how to read its page.
    const dates = queueDates(now, registry.scheme);
    const count = await countClusters(database.db, database.dialect, query, dates);
    const list = await listClusters(database.db, database.dialect, query, dates, undefined, count);
    await yieldToOthers();
    const countries = await registeredCountries(database.db);
    return c.html(<ClusterListPage page={pageOf(c, deps)} query={query} list={list} count={count} countries={countries} now={now} />);
  });

  app.get('/clusters/new', ...guard('officer'), (c) => c.html(<ClusterFormPage page={pageOf(c, deps)} mode="new" values={{}} />));

  app.post('/clusters', ...guard('officer'), async (c) => {
    const form = await formOf(c);
    try {
      const cluster = await registry.createCluster(parseForm(ClusterInput, { ...form, sites: sitesOf(form.sites) }), actorOf(c));
      return c.redirect(`/admin/clusters/${cluster.id}?done=cluster_created`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return c.html(<ClusterFormPage page={pageOf(c, deps)} mode="new" values={form} notice={notice} />, status);
    }
  });

  app.get('/clusters/:id', ...guard('viewer'), (c) => renderDetail(c, deps, c.req.param('id')));

  app.get('/clusters/:id/edit', ...guard('officer'), async (c) => {
    const detail = await loadDetail(deps, c.req.param('id'));
    const values = clusterValues(detail.cluster);
    return c.html(<ClusterFormPage page={pageOf(c, deps)} mode="edit" clusterId={detail.cluster.id} values={values} version={detail.version} seen={encodeSeen(seenOf(detail.cluster, detail.labels.at(-1), detail.now))} />);
  });

  app.post('/clusters/:id', ...guard('officer'), async (c) => {
    const { cluster, version } = await loadDetail(deps, c.req.param('id'));
    const form = await formOf(c);
    try {
      // The id is not the form's to change; an absent field stays as it is, and only a sent, empty list of websites clears them.
      const { id: _, ...fields } = form;
      const patch = parseForm(ClusterPatch, { ...fields, sites: form.sites === undefined ? undefined : sitesOf(form.sites) });
      await registry.updateCluster(cluster.id, patch, actorOf(c), form.version || undefined);
      return c.redirect(`/admin/clusters/${cluster.id}?done=cluster_updated`, 303);
    } catch (error) {
      if (isStale(error)) return renderConflict(c, deps, cluster.id, form, 'edit');
      const { status, notice } = failure(error);
      return c.html(<ClusterFormPage page={pageOf(c, deps)} mode="edit" clusterId={cluster.id} values={form} version={form.version || version} seen={form.seen} notice={notice} />, status);
    }
  });

  return app;
}
