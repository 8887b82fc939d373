import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { yieldToOthers, type Db, type Trx } from '../registry/database.ts';
import { recordInLog } from '../log/record.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain.ts';

/** Signs audit heads with the issuer's current key. */
export interface HeadSigner {
  sign(payload: Record<string, unknown>, typ: string): Promise<string>;
}

export interface AuditChange {
  actor: string;
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  hash: string;
  prevHash: string;
  signature: string;
}

export const AUDIT_HEAD_TYP = 'audit-head+jwt';
/** An entry longer than this is written in steps, the event loop turning between them. */
const LARGE_ENTRY_CHARS = 64 * 1024;

/**
 * Appends one entry inside the caller's write transaction, chained to the last
 * one and signed, so that the head of the chain is always signed by the issuer;
 * and the transparency log entries the change calls for, anchored to it.
 */
export async function appendAudit(trx: Trx, signer: HeadSigner, change: AuditChange, now: Date): Promise<AuditEntry> {
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    at: now.toISOString(),
    actor: change.actor,
    action: change.action,
    subject: change.subject,
    before: change.before === undefined ? null : canonicalJson(change.before),
    after: change.after === undefined ? null : canonicalJson(change.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  // An import's entry names every cluster it touched (some 5 MB at 100,000): each step
  // over it takes tens of milliseconds, and the issuer answers requests between them.
  const turn = (fields.after?.length ?? 0) > LARGE_ENTRY_CHARS ? yieldToOthers : async () => {};
  await turn();
  const hash = entryHash(fields);
  const signature = await signer.sign({ seq: fields.seq, hash, at: fields.at }, AUDIT_HEAD_TYP);
  await turn();
  await trx
    .insertInto('audit_log')
    .values({ ...withoutPrev(fields), prev_hash: fields.prevHash, hash, signature })
    .execute();
  await turn();
  const entry = toEntry({ ...withoutPrev(fields), prev_hash: fields.prevHash, hash, signature });
  await turn();
  // One history: what the change made public goes to the transparency log in this same transaction.
  await recordInLog(trx, entry);
  return entry;
}

function withoutPrev<T extends { prevHash: string }>(fields: T): Omit<T, 'prevHash'> {
  const { prevHash: _, ...rest } = fields;
  return rest;
}

type Row = { seq: number; at: string; actor: string; action: string; subject: string; before: string | null; after: string | null; prev_hash: string; hash: string; signature: string };

function toEntry(row: Row): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    hash: row.hash,
    prevHash: row.prev_hash,
    signature: row.signature,
  };
}

export interface AuditQuery {
  subject?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** Entries at or after this instant or date (ISO 8601, compared as text: a date means its start). */
  from?: string | undefined;
  /** Entries before this instant or date (a date means its start: pass the next day for "through"). */
  until?: string | undefined;
  /** Entries with a sequence number below this one (for paging backwards). */
  before?: number | undefined;
  limit?: number | undefined;
}

/** Newest first; each filter narrows, and a page continues below the last `seq` shown (`before`). */
export async function listAudit(db: Db, query: AuditQuery = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.subject) q = q.where('subject', '=', query.subject);
  if (query.actor) q = q.where('actor', '=', query.actor);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.from) q = q.where('at', '>=', query.from);
  if (query.until) q = q.where('at', '<', query.until);
  if (query.before !== undefined) q = q.where('seq', '<', query.before);
  const rows = await q.orderBy('seq', 'desc').limit(Math.min(query.limit ?? 50, 500)).execute();
  return rows.map(toEntry);
}

/** The newest entry's sequence number, hash and signed statement of them; undefined for an empty log. */
export async function auditHead(db: Db) {
  const row = await db.selectFrom('audit_log').select(['seq', 'at', 'hash', 'signature']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && { seq: Number(row.seq), at: row.at, hash: row.hash, signature: row.signature };
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** The first entry that does not hold, and why. */
  brokenAt?: { seq: number; reason: string };
}

/**
 * Walks the whole chain: each entry's hash recomputed from its content, linked to
 * the one before, and its signature checked against the registry's keys. A row
 * changed in the database, even with its hash recomputed, fails its signature.
 * `expectedHead`, when given (a head saved earlier from /v1/audit/head), must
 * still be in the chain.
 */
export async function verifyChain(
  db: Db,
  publicKeys: Map<string, JWK>,
  expectedHead?: { seq: number; hash: string },
): Promise<ChainReport> {
  const keys = new Map<string, CryptoKey | Uint8Array>();
  let prevHash = GENESIS_HASH;
  let count = 0;
  let seq = 0;
  const fail = (at: number, reason: string): ChainReport => ({ ok: false, entries: count, brokenAt: { seq: at, reason } });
  // Paged, so a long log is checked in flat memory.
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', seq).orderBy('seq').limit(1000).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const entry = toEntry(row);
      if (entry.seq !== seq + 1) return fail(seq + 1, `entry ${seq + 1} is missing`);
      seq = entry.seq;
      count++;
      if (entry.prevHash !== prevHash) return fail(seq, 'it does not link to the entry before it');
      const recomputed = entryHash({ seq, at: row.at, actor: row.actor, action: row.action, subject: row.subject, before: row.before, after: row.after, prevHash: row.prev_hash });
      if (recomputed !== entry.hash) return fail(seq, 'its content does not match its hash');
      const reason = await checkSignature(entry, publicKeys, keys);
      if (reason) return fail(seq, reason);
      if (expectedHead && expectedHead.seq === seq && expectedHead.hash !== entry.hash) {
        return fail(seq, 'it differs from the signed head saved earlier');
      }
      prevHash = entry.hash;
    }
  }
  if (expectedHead && expectedHead.seq > seq) return fail(seq + 1, `the chain ends at ${seq}, before the saved head ${expectedHead.seq}`);
  return { ok: true, entries: count };
}

async function checkSignature(entry: AuditEntry, publicKeys: Map<string, JWK>, cache: Map<string, CryptoKey | Uint8Array>) {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(entry.signature);
    kid = header.kid;
    if (header.alg !== 'ES256' || header.typ !== AUDIT_HEAD_TYP || !kid) return 'its signature has the wrong form';
  } catch {
    return 'its signature is not a JWS';
  }
  const jwk = publicKeys.get(kid);
  if (!jwk) return `it is signed by an unknown key ${kid}`;
  let key = cache.get(kid);
  if (!key) {
    key = await importJWK(jwk, 'ES256');
    cache.set(kid, key);
  }
  try {
    const { payload } = await compactVerify(entry.signature, key, { algorithms: ['ES256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.seq !== entry.seq || claims.hash !== entry.hash) return 'its signature is for other content';
  } catch {
    return 'its signature does not verify';
  }
  return undefined;
}
