import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import type { HeadSigner } from '../audit/log.ts';
import { decryptPrivateKey, encryptPrivateKey } from '../keys/kek.ts';
import type { Database } from '../registry/database.ts';
import { write, type Write } from '../registry/writes.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { ed25519Signer, formatNote, parseVkey, type NoteSigner, type Verifier } from './note.ts';
import type { Hash } from './proof.ts';
import { consistencyProof, edgeNodes, inclusionProofFrom, treeRoot, treeSize } from './store.ts';
import { askWitness, type WitnessConfig } from './witness-client.ts';

/** What an attestation carries to prove its statement is in the log (claim `log`). */
export interface LogClaim {
  /** The entry's index, from 0. */
  index: number;
  /** The entry's bytes: canonical JSON (docs/log.md). */
  entry: string;
  /** A checkpoint that includes the entry: a signed note, with the witnesses' cosignatures. */
  checkpoint: string;
  /** The inclusion proof, base64 hashes, leaf first (RFC 9162 §2.1.3). */
  proof: string[];
}

export interface PublishedCheckpoint {
  size: number;
  note: string;
}

export interface TransparencyLogOptions {
  /** PUBLIC_URL: the origin line is its host followed by `/log`. */
  issuer: string;
  kek: Buffer;
  /** Signs the audit entries of the log's own key events. */
  auditSigner: HeadSigner;
  witnesses: WitnessConfig[];
  now?: () => Date;
  /** Told of a witness that did not cosign; the checkpoint is published without it. */
  onWitnessRefusal?: (witness: string, reason: string) => void;
}

/** The log's origin line (c2sp.org/tlog-tiles: the scheme-less URL prefix). */
export const logOrigin = (issuer: string) => `${new URL(issuer).host}/log`;

/**
 * The issuer's transparency log: its Ed25519 key, and its checkpoints, published in
 * the registry database so that every instance serves the same ones. Any instance may
 * publish; two publishing the same size write the same checkpoint once.
 */
export class TransparencyLog {
  readonly origin: string;
  readonly witnesses: WitnessConfig[];
  readonly #database: Database;
  readonly #options: TransparencyLogOptions;
  readonly #now: () => Date;
  /** The size each witness was last seen to hold: where the next request starts. */
  readonly #witnessSizes = new Map<string, number>();
  #publishing: Promise<PublishedCheckpoint> | undefined;
  /**
   * The newest checkpoint seen: a claim whose entry it covers takes it without a read.
   * It is as recent as the last publication here (every LOG_CHECKPOINT_INTERVAL) or read.
   */
  #newest: PublishedCheckpoint | undefined;
  /** The newest proven tree's right edge: its stored nodes, and the hashes proofs made from them (`inclusionProofFrom`). */
  #edge: { size: number; nodes: Promise<Map<string, Hash>>; hashes: Map<number, Hash> } | undefined;
  #signer: { keyId: string; signer: NoteSigner } | undefined;

  constructor(database: Database, options: TransparencyLogOptions) {
    this.#database = database;
    this.#options = options;
    this.origin = logOrigin(options.issuer);
    this.witnesses = options.witnesses;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates the log's first key on a new registry. */
  async start(): Promise<void> {
    if (await this.#database.db.selectFrom('log_keys').select('key_id').where('state', '=', 'current').executeTakeFirst()) return;
    await write(this.#database, this.#now, async (change) => {
      if (await change.trx.selectFrom('log_keys').select('key_id').where('state', '=', 'current').executeTakeFirst()) return;
      await this.#createKey(change, 'system', 'log-key.create');
    });
  }

  /**
   * A new key signs checkpoints from now on; the old one is retired (its checkpoints
   * still verify under it). Audited, and recorded in the log itself.
   */
  async rotate(actor: string): Promise<{ vkey: string; retired: string[] }> {
    return write(this.#database, this.#now, async (change) => {
      const { trx, now, record } = change;
      const old = await trx.selectFrom('log_keys').select(['key_id', 'vkey']).where('state', '=', 'current').execute();
      await trx.updateTable('log_keys').set({ state: 'retired', retired_at: now.toISOString() }).where('state', '=', 'current').execute();
      for (const key of old) await record(this.#options.auditSigner, { actor, action: 'log-key.retire', subject: `log-key:${key.key_id}`, after: { state: 'retired' } });
      const vkey = await this.#createKey(change, actor, 'log-key.create');
      return { vkey, retired: old.map((key) => key.vkey) };
    });
  }

  async #createKey({ trx, now, record }: Write, actor: string, action: string): Promise<string> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = ed25519Signer(this.origin, privateKey);
    const keyId = signer.vkey.split('+')[1]!;
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    await trx
      .insertInto('log_keys')
      .values({ key_id: keyId, state: 'current', vkey: signer.vkey, private_key: encryptPrivateKey(this.#options.kek, `log:${keyId}`, pkcs8), created_at: now.toISOString(), retired_at: null })
      .execute();
    await record(this.#options.auditSigner, { actor, action, subject: `log-key:${keyId}`, after: { state: 'current', vkey: signer.vkey } });
    return signer.vkey;
  }

  /** Every key the log has signed with: the current one first. */
  async verifierKeys(): Promise<{ current: string | undefined; all: string[] }> {
    const rows = await this.#database.db.selectFrom('log_keys').select(['vkey', 'state']).orderBy('created_at', 'desc').execute();
    return { current: rows.find((row) => row.state === 'current')?.vkey, all: rows.map((row) => row.vkey) };
  }

  async verifiers(): Promise<Verifier[]> {
    return (await this.verifierKeys()).all.map(parseVkey);
  }

  /** The current key, read from the registry (another instance may have rotated it). */
  async #currentSigner(): Promise<NoteSigner> {
    const row = await this.#database.db.selectFrom('log_keys').select(['key_id', 'private_key']).where('state', '=', 'current').executeTakeFirst();
    if (!row) throw new Error('The log has no key; start() was not called.');
    if (this.#signer?.keyId !== row.key_id) {
      const der = Buffer.from(decryptPrivateKey(this.#options.kek, `log:${row.key_id}`, row.private_key), 'base64');
      const key: KeyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      this.#signer = { keyId: row.key_id, signer: ed25519Signer(this.origin, key) };
    }
    return this.#signer.signer;
  }

  async latest(): Promise<PublishedCheckpoint | undefined> {
    const row = await this.#database.db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size', 'desc').limit(1).executeTakeFirst();
    return row && this.#remember({ size: Number(row.size), note: row.note });
  }

  /** The most levels an inclusion proof has in the newest tree seen: how many siblings are worth reading beside an entry. */
  get proofLevels(): number {
    const size = this.#newest?.size ?? 0;
    return size > 1 ? Math.ceil(Math.log2(size)) : 0;
  }

  /** Keeps `checkpoint` as the newest seen, unless one as large is known already. */
  #remember(checkpoint: PublishedCheckpoint): PublishedCheckpoint {
    if (!this.#newest || this.#newest.size < checkpoint.size) this.#newest = checkpoint;
    return checkpoint;
  }

  /**
   * Publishes a checkpoint of the whole tree if it grew since the last one, with the
   * cosignatures of the witnesses that give one. One publication at a time here.
   */
  publish(): Promise<PublishedCheckpoint> {
    this.#publishing ??= this.#publish()
      .then((checkpoint) => this.#remember(checkpoint))
      .finally(() => (this.#publishing = undefined));
    return this.#publishing;
  }

  async #publish(): Promise<PublishedCheckpoint> {
    const db = this.#database.db;
    const [size, last] = await Promise.all([treeSize(db), this.latest()]);
    if (last && last.size >= size) return last;
    const text = formatCheckpoint({ origin: this.origin, size, root: await treeRoot(db, size) });
    const signer = await this.#currentSigner();
    const note = formatNote(text, [signer.signatureLine(text)]);
    const cosignatures = await Promise.all(
      this.witnesses.map(async (witness) => {
        const answer = await askWitness(witness, note, text, size, this.#witnessSizes.get(witness.vkey) ?? last?.size ?? 0, (old) => consistencyProof(db, old, size));
        if ('refused' in answer) {
          this.#options.onWitnessRefusal?.(witness.verifier.name, answer.refused);
          return [];
        }
        this.#witnessSizes.set(witness.vkey, answer.size);
        return answer.lines;
      }),
    );
    const published = formatNote(text, [signer.signatureLine(text), ...cosignatures.flat()]);
    await db.insertInto('log_checkpoints').values({ size, note: published, published_at: this.#now().toISOString() }).onConflict((oc) => oc.column('size').doNothing()).execute();
    // Another instance may have published this size first: serve what is stored.
    const stored = await db.selectFrom('log_checkpoints').select('note').where('size', '=', size).executeTakeFirstOrThrow();
    return { size, note: stored.note };
  }

  /**
   * The claim that proves a cluster's latest entry is in the log: that entry, a
   * published checkpoint that includes it (published now if none does yet), and the
   * inclusion proof. Undefined for a cluster the log has no entry for.
   */
  async claim(subject: string): Promise<LogClaim | undefined> {
    const entry = await this.#database.db.selectFrom('log_entries').select(['idx', 'data']).where('subject', '=', subject).orderBy('idx', 'desc').limit(1).executeTakeFirst();
    return entry && this.claimOf({ index: Number(entry.idx), data: entry.data }, new Map());
  }

  /**
   * The claim for an entry already read, with whatever nodes of the tree were read
   * beside it (`siblingsColumn`): the proof reads only the hashes still missing.
   */
  async claimOf(entry: { index: number; data: string }, nodes: ReadonlyMap<string, Hash>): Promise<LogClaim> {
    const { index } = entry;
    let checkpoint = this.#newest;
    if (!checkpoint || checkpoint.size <= index) checkpoint = await this.latest();
    // A publication already under way may have read the tree before this entry: then one more.
    for (let round = 0; !checkpoint || checkpoint.size <= index; round++) {
      if (round === 2) throw new Error(`No checkpoint could be published that includes entry ${index}.`);
      checkpoint = await this.publish();
    }
    const edge = this.#edgeOf(checkpoint.size);
    const proof = await inclusionProofFrom(this.#database.db, index, checkpoint.size, new Map([...(await edge.nodes), ...nodes]), edge.hashes);
    return { index, entry: entry.data, checkpoint: checkpoint.note, proof: proof.map((hash) => Buffer.from(hash).toString('base64')) };
  }

  /** The right edge of a tree of `size`, read once for every proof at that size. */
  #edgeOf(size: number): { nodes: Promise<Map<string, Hash>>; hashes: Map<number, Hash> } {
    if (this.#edge?.size !== size) {
      const edge = { size, nodes: edgeNodes(this.#database.db, size), hashes: new Map<number, Hash>() };
      // A failed read is tried again by the next proof.
      edge.nodes.catch(() => this.#edge === edge && (this.#edge = undefined));
      this.#edge = edge;
    }
    return this.#edge;
  }
}
