import { randomBytes } from 'node:crypto';
import { auditHead, listAudit, type AuditQuery, type HeadSigner } from '../audit/log.ts';
import { fail } from '../errors.ts';
import { endOfDay, endOfMonthAfter, utcDate } from '../domain/dates.ts';
import type { AttestationSubject } from '../domain/claims.ts';
import type { ClusterInput, ClusterPatch } from '../domain/clusters.ts';
import {
  checkRevocable,
  checkWithdrawable,
  graceEnds,
  planAward,
  planRenewal,
  planUpgrade,
  type AwardInput,
  type NewLabel,
  type RenewalInput,
  ECEI,
  type Scheme,
} from '../domain/schemes.ts';
import { eceiLabel } from '../domain/labels.ts';
import { isLevel, type Cluster, type Label, type Level, type LabelStatus } from '../domain/types.ts';
import { currentLabelIn, currentLabelsJson, currentLabelsOf, joinCurrentLabel, parseCurrentLabels, toLabel } from './current-label.ts';
import type { Database, Db, Trx } from './database.ts';
import { Schemes } from './schemes.ts';
import { versionOf } from './version.ts';
import { write } from './writes.ts';
import type { InferResult, Selectable } from 'kysely';
import type { Schema } from './schema.ts';

type ClusterRow = Pick<Selectable<Schema['clusters']>, 'id' | 'name' | 'organisation' | 'country' | 'portfolio' | 'sites' | 'created_at' | 'updated_at'> & { email?: string | null };

/** The scheme a label action is of: the ECEI's when absent. */
export interface InScheme {
  scheme?: string | undefined;
}

export interface RegistryOptions {
  /** The ECEI scheme, from the settings: the default of every label, token and file that names none. */
  scheme: Scheme;
  signer: HeadSigner;
  now?: () => Date;
}

/**
 * The registry's one repository: clusters, their labels, and the audit entry each
 * change writes in the same transaction. Domain rules are decided by the pure
 * functions in `domain/`; this class reads, asks them, and writes.
 */
export class Registry {
  readonly database: Database;
  /** The ECEI scheme. */
  readonly scheme: Scheme;
  /** Every scheme: the ECEI's and those an admin set up. */
  readonly schemes: Schemes;
  readonly #options: RegistryOptions;
  readonly #now: () => Date;
  readonly #subject: (parameters: [id: string]) => Promise<SubjectRow | undefined>;

  constructor(database: Database, options: RegistryOptions) {
    this.database = database;
    this.#options = options;
    this.scheme = options.scheme;
    this.#now = options.now ?? (() => new Date());
    this.schemes = new Schemes(database, { ecei: options.scheme, signer: options.signer, now: this.#now });
    this.#subject = database.preparedRow('attestation_subject', subjectQuery(database).compile());
  }

  get db(): Db {
    return this.database.db;
  }

  // ── reads ──────────────────────────────────────────────────────────────

  async getCluster(id: string, db: Db | Trx = this.db): Promise<Cluster | undefined> {
    const row = await db
      .selectFrom('clusters')
      .leftJoin('contacts', 'contacts.id', 'clusters.contact_id')
      .selectAll('clusters')
      .select('contacts.email')
      .where('clusters.id', '=', id)
      .executeTakeFirst();
    return row && toCluster(row);
  }

  /** The cluster's current ECEI label: its newest, whatever its status (the read model, `current-label.ts`). */
  async getCurrentLabel(clusterId: string, db: Db | Trx = this.db): Promise<Label<Level> | undefined> {
    const row = await joinCurrentLabel(db.selectFrom('clusters')).selectAll('labels').where('clusters.id', '=', clusterId).executeTakeFirst();
    return row && eceiLabel(toLabel(row));
  }

  /** The cluster's current label in every scheme it has held one in, sorted by scheme. */
  async getCurrentLabels(clusterId: string, db: Db | Trx = this.db): Promise<Label[]> {
    return (await currentLabelsOf(db, [clusterId])).get(clusterId) ?? [];
  }

  /**
   * The cluster and its current label as an attestation states them, in one read:
   * the cold path of every attestation waits for this query alone.
   */
  async getAttestationSubject(id: string): Promise<AttestationSubject | undefined> {
    const row = await this.#subject([id]);
    return row && toSubject(id, row);
  }

  /** The cluster's current version (`version.ts`), or `undefined` when there is no such cluster. */
  async version(id: string, db: Db | Trx = this.db): Promise<string | undefined> {
    const cluster = await this.getCluster(id, db);
    return cluster && versionOf(cluster, await this.getCurrentLabels(id, db));
  }

  /** The whole label history, every scheme's, oldest first. */
  async getLabels(clusterId: string): Promise<Label[]> {
    const rows = await this.db.selectFrom('labels').selectAll().where('cluster_id', '=', clusterId).orderBy('id').execute();
    return rows.map(toLabel);
  }

  /**
   * One page of clusters in id order, each with its current ECEI label (`label`) and its
   * current label in every scheme (`labels`, sorted by scheme), and how many clusters there are.
   */
  async listClusters(page: { offset: number; limit: number }): Promise<{ items: Array<{ cluster: Cluster; label: Label<Level> | undefined; labels: Label[] }>; total: number }> {
    const { count } = await this.db.selectFrom('clusters').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('clusters')
      .leftJoin('contacts', 'contacts.id', 'clusters.contact_id')
      .selectAll('clusters')
      .select('contacts.email')
      .orderBy('clusters.id')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    const current = await currentLabelsOf(this.db, rows.map((r) => r.id));
    const items = rows.map((row) => {
      const labels = current.get(row.id) ?? [];
      const ecei = labels.find((label) => label.scheme === ECEI);
      return { cluster: toCluster(row), label: ecei && eceiLabel(ecei), labels };
    });
    return { items, total: Number(count) };
  }

  /** Valid labels whose last day falls within the next `days` days, soonest first. */
  async expiringWithin(days: number): Promise<Array<{ cluster: Pick<Cluster, 'id' | 'name'>; label: Label }>> {
    const now = this.#now();
    const today = utcDate(now);
    const until = utcDate(new Date(now.getTime() + days * 86_400_000));
    const rows = await this.db
      .selectFrom('labels')
      .innerJoin('clusters', 'clusters.id', 'labels.cluster_id')
      .selectAll('labels')
      .select(['clusters.name as cluster_name'])
      .where('labels.status', '=', 'valid')
      .where('labels.valid_until', '>=', today)
      .where('labels.valid_until', '<=', until)
      .orderBy('labels.valid_until')
      .orderBy('labels.id')
      .execute();
    return rows.map((r) => ({ cluster: { id: r.cluster_id, name: r.cluster_name }, label: toLabel(r) }));
  }

  /** Expired labels past their scheme's grace period, every scheme's: the office withdraws them formally. Oldest end first. */
  async awaitingWithdrawal(): Promise<Array<{ cluster: Pick<Cluster, 'id' | 'name'>; label: Label; graceEnded: string }>> {
    const today = utcDate(this.#now());
    const found = [];
    for (const scheme of await this.schemes.list()) {
      // A label ending after this day is still in its grace period today (the month's end bounds any clamping).
      const latest = endOfMonthAfter(today, -scheme.rules.graceMonths);
      const rows = await this.db
        .selectFrom('labels')
        .innerJoin('clusters', 'clusters.id', 'labels.cluster_id')
        .selectAll('labels')
        .select(['clusters.name as cluster_name'])
        .where('labels.scheme', '=', scheme.id)
        .where('labels.status', 'in', ['valid', 'expired'])
        .where('labels.valid_until', '<=', latest)
        .execute();
      for (const r of rows) {
        const graceEnded = graceEnds(scheme, { validUntil: r.valid_until });
        if (graceEnded < today) found.push({ cluster: { id: r.cluster_id, name: r.cluster_name }, label: toLabel(r), graceEnded });
      }
    }
    return found.sort((a, b) => (a.label.validUntil < b.label.validUntil ? -1 : a.label.validUntil > b.label.validUntil ? 1 : a.label.id - b.label.id));
  }

  audit(query?: AuditQuery) {
    return listAudit(this.db, query);
  }

  auditHead() {
    return auditHead(this.db);
  }

  // ── writes: one transaction and one audit entry each ───────────────────

  async createCluster(input: ClusterInput, actor: string): Promise<Cluster> {
    return this.#write(actor, input.id, undefined, async (trx, now) => {
      if (await trx.selectFrom('clusters').select('id').where('id', '=', input.id).executeTakeFirst()) {
        throw fail('cluster_exists', { id: input.id });
      }
      const contactId = input.contactEmail ? await insertContact(trx, input.contactEmail) : null;
      const at = now.toISOString();
      await trx
        .insertInto('clusters')
        .values({ id: input.id, name: input.name, organisation: input.organisation, country: input.country, portfolio: input.portfolio, sites: JSON.stringify(input.sites), contact_id: contactId, created_at: at, updated_at: at })
        .execute();
      const cluster = (await this.getCluster(input.id, trx))!;
      return { result: cluster, action: 'cluster.create', after: snapshotCluster(cluster, contactId) };
    });
  }

  async updateCluster(id: string, patch: ClusterPatch, actor: string, ifMatch?: string): Promise<Cluster> {
    return this.#write(actor, id, ifMatch, async (trx, now) => {
      const row = await trx.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw fail('cluster_not_found');
      const before = await this.getCluster(id, trx);
      let contactId = row.contact_id;
      if (patch.contactEmail !== undefined && patch.contactEmail !== before!.contactEmail) {
        // The old address is erased, not kept: the audit chain only ever held its reference.
        if (contactId) {
          await trx.updateTable('clusters').set({ contact_id: null }).where('id', '=', id).execute();
          await trx.deleteFrom('contacts').where('id', '=', contactId).execute();
        }
        contactId = patch.contactEmail ? await insertContact(trx, patch.contactEmail) : null;
      }
      await trx
        .updateTable('clusters')
        .set({
          name: patch.name ?? row.name,
          organisation: patch.organisation ?? row.organisation,
          country: patch.country ?? row.country,
          portfolio: patch.portfolio ?? row.portfolio,
          sites: patch.sites ? JSON.stringify(patch.sites) : row.sites,
          contact_id: contactId,
          updated_at: now.toISOString(),
        })
        .where('id', '=', id)
        .execute();
      const after = (await this.getCluster(id, trx))!;
      return { result: after, action: 'cluster.update', before: snapshotCluster(before!, row.contact_id), after: snapshotCluster(after, contactId) };
    });
  }

  // Each label action is of one scheme (`input.scheme`, the ECEI's when absent) and
  // follows that scheme's rules, as stored when the change commits.

  award(clusterId: string, input: AwardInput & InScheme, actor: string, ifMatch?: string): Promise<Label> {
    return this.#labelWrite(actor, clusterId, input.scheme, ifMatch, 'label.award', async (trx, scheme, current, now) => {
      const planned = planAward(scheme, current, input, now);
      return insertLabel(trx, clusterId, scheme.id, planned, now);
    });
  }

  upgrade(clusterId: string, input: AwardInput & InScheme, actor: string, ifMatch?: string): Promise<Label> {
    return this.#labelWrite(actor, clusterId, input.scheme, ifMatch, 'label.upgrade', async (trx, scheme, current, now) => {
      const planned = planUpgrade(scheme, current, input, now);
      await setStatus(trx, current!.id, 'superseded', now);
      return insertLabel(trx, clusterId, scheme.id, planned, now);
    });
  }

  renew(clusterId: string, input: RenewalInput & InScheme, actor: string, ifMatch?: string): Promise<Label> {
    return this.#labelWrite(actor, clusterId, input.scheme, ifMatch, 'label.renew', async (trx, scheme, current, now) => {
      const planned = planRenewal(scheme, current, input, now);
      await trx
        .updateTable('labels')
        .set({ status: 'valid', valid_until: planned.validUntil, assessment_ref: planned.assessmentRef, changed_at: now.toISOString() })
        .where('id', '=', current!.id)
        .execute();
      return (await currentLabelIn(trx, clusterId, scheme.id))!;
    });
  }

  revoke(clusterId: string, input: { reason: string; note: string | null } & InScheme, actor: string, ifMatch?: string): Promise<Label> {
    return this.#labelWrite(actor, clusterId, input.scheme, ifMatch, 'label.revoke', async (trx, scheme, current, now) => {
      const held = checkRevocable(current, now);
      await trx
        .updateTable('labels')
        .set({ status: 'revoked', revoked_at: now.toISOString(), public_reason: input.reason, internal_note: input.note, changed_at: now.toISOString() })
        .where('id', '=', held.id)
        .execute();
      return (await currentLabelIn(trx, clusterId, scheme.id))!;
    });
  }

  /** Withdraws an expired label; `reference`, the office's file number for the decision, is kept in the audit entry. */
  withdraw(clusterId: string, actor: string, ifMatch?: string, input: { reference?: string | undefined } & InScheme = {}): Promise<Label> {
    const extra = input.reference ? { reference: input.reference } : undefined;
    return this.#labelWrite(actor, clusterId, input.scheme, ifMatch, 'label.withdraw', async (trx, scheme, current, now) => {
      const held = checkWithdrawable(current, now);
      await setStatus(trx, held.id, 'withdrawn', now);
      return (await currentLabelIn(trx, clusterId, scheme.id))!;
    }, extra);
  }

  /**
   * Records each label that has passed its end as `expired`, once. Reads never
   * depend on it (a valid row past its end already reads expired); it makes the
   * transition visible in the audit log. Safe to run on several instances at once.
   */
  async sweepExpired(): Promise<number> {
    const today = utcDate(this.#now());
    const due = await this.db.selectFrom('labels').select(['id', 'cluster_id']).where('status', '=', 'valid').where('valid_until', '<', today).orderBy('id').limit(1000).execute();
    let swept = 0;
    for (const { id, cluster_id: clusterId } of due) {
      const changed = await this.#write('system', clusterId, undefined, async (trx, now) => {
        const label = await trx.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
        if (!label || label.status !== 'valid' || now < endOfDay(label.valid_until)) return { result: false };
        await setStatus(trx, id, 'expired', now);
        return { result: true, action: 'label.expire', before: snapshotLabel(toLabel(label)), after: { ...snapshotLabel(toLabel(label)), status: 'expired' } };
      });
      if (changed) swept++;
    }
    return swept;
  }

  // ── plumbing ───────────────────────────────────────────────────────────

  async #labelWrite(
    actor: string,
    clusterId: string,
    schemeId: string | undefined,
    ifMatch: string | undefined,
    action: string,
    work: (trx: Trx, scheme: Scheme, current: Label | undefined, now: Date) => Promise<Label>,
    /** What the audit entry records beside the label (such as a withdrawal's reference). */
    extra?: Record<string, string>,
  ): Promise<Label> {
    return this.#write(actor, clusterId, ifMatch, async (trx, now) => {
      if (!(await trx.selectFrom('clusters').select('id').where('id', '=', clusterId).executeTakeFirst())) throw fail('cluster_not_found');
      const scheme = await this.schemes.within(trx, schemeId ?? ECEI);
      const current = await currentLabelIn(trx, clusterId, scheme.id);
      const label = await work(trx, scheme, current, now);
      return { result: label, action, before: current && snapshotLabel(current), after: { ...snapshotLabel(label), ...extra } };
    });
  }

  /**
   * A change to one cluster whose work returns the audit entry to record (none when
   * `action` is absent: nothing changed). Given `ifMatch`, the version the caller
   * read, it changes nothing unless that is still the current version: checked
   * inside the write lock, so no other writer can slip in between.
   */
  #write<T>(
    actor: string,
    subject: string,
    ifMatch: string | undefined,
    work: (trx: Trx, now: Date) => Promise<{ result: T; action?: string; before?: unknown; after?: unknown }>,
  ): Promise<T> {
    return write(this.database, this.#now, async ({ trx, now, record }) => {
      if (ifMatch !== undefined) {
        const current = await this.version(subject, trx);
        if (current === undefined) throw fail('cluster_not_found');
        if (current !== ifMatch) throw fail('precondition_failed');
      }
      const done = await work(trx, now);
      if (done.action) await record(this.#options.signer, { actor, action: done.action, subject, before: done.before, after: done.after });
      return done.result;
    });
  }
}

/** The attestation subject's query, every scheme's current label in the same statement; compiled once with an empty id, its one parameter. */
export function subjectQuery(database: Pick<Database, 'db' | 'dialect'>) {
  return database.db
    .selectFrom('clusters')
    .leftJoin('labels', 'labels.id', 'clusters.current_label_id')
    .select(['clusters.name', 'clusters.sites', 'labels.level', 'labels.awarded', 'labels.valid_until', 'labels.status', 'labels.revoked_at', 'labels.public_reason'])
    .select(currentLabelsJson(database.dialect).as('current_labels'))
    .where('clusters.id', '=', '');
}
type SubjectRow = InferResult<ReturnType<typeof subjectQuery>>[number];

/** The attestation subject of cluster `id` from the row `subjectQuery` read. */
export function toSubject(id: string, row: SubjectRow): AttestationSubject {
  const cluster = { id, name: row.name, sites: JSON.parse(row.sites) as string[] };
  const labels = parseCurrentLabels(row.current_labels);
  if (row.level === null || row.awarded === null || row.valid_until === null || row.status === null) return { cluster, label: undefined, labels };
  if (!isLevel(row.level)) throw new Error(`The current ECEI label of ${id} has the level "${row.level}".`);
  const label = { level: row.level, awarded: row.awarded, validUntil: row.valid_until, status: row.status, revokedAt: row.revoked_at, publicReason: row.public_reason };
  return { cluster, label, labels };
}

async function insertContact(trx: Trx, email: string): Promise<string> {
  const id = randomBytes(12).toString('base64url');
  await trx.insertInto('contacts').values({ id, email }).execute();
  return id;
}

async function insertLabel(trx: Trx, clusterId: string, scheme: string, planned: NewLabel, now: Date): Promise<Label> {
  const row = await trx
    .insertInto('labels')
    .values({ cluster_id: clusterId, scheme, level: planned.level, awarded: planned.awarded, valid_until: planned.validUntil, status: 'valid', assessment_ref: planned.assessmentRef, revoked_at: null, public_reason: null, internal_note: null, changed_at: now.toISOString() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLabel(row);
}

async function setStatus(trx: Trx, id: number, status: LabelStatus, now: Date) {
  await trx.updateTable('labels').set({ status, changed_at: now.toISOString() }).where('id', '=', id).execute();
}

function toCluster(row: ClusterRow): Cluster {
  return {
    id: row.id,
    name: row.name,
    organisation: row.organisation,
    country: row.country,
    portfolio: row.portfolio,
    sites: JSON.parse(row.sites) as string[],
    contactEmail: row.email ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the audit chain keeps of a cluster: personal data only by reference. */
function snapshotCluster(cluster: Cluster, contactId: string | null) {
  const { contactEmail: _, createdAt: __, updatedAt: ___, ...rest } = cluster;
  return { ...rest, contact: contactId };
}

function snapshotLabel(label: Label) {
  const { changedAt: _, ...rest } = label;
  return rest;
}
