import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { messageOf } from '../errors.ts';
import type { Dialect } from './database.ts';

type Step = (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;

/**
 * The one schema of both dialects, in order. A migration is never edited once
 * released: add a new one.
 */
const steps: Record<string, Step> = {
  '001_registry': async (db, dialect) => {
    const serial = dialect === 'postgres' ? 'serial' : 'integer';
    await db.schema
      .createTable('contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('clusters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('portfolio', 'text', (c) => c.notNull())
      .addColumn('sites', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('labels')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('cluster_id', 'text', (c) => c.notNull().references('clusters.id'))
      .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('bronze', 'silver', 'gold')`))
      .addColumn('awarded', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('valid', 'expired', 'revoked', 'withdrawn', 'superseded')`),
      )
      .addColumn('assessment_ref', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('public_reason', 'text')
      .addColumn('internal_note', 'text')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('labels_by_cluster').on('labels').columns(['cluster_id', 'id']).execute();
    await db.schema.createIndex('labels_by_status_end').on('labels').columns(['status', 'valid_until']).execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('next', 'current', 'retired', 'revoked')`))
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text')
      .addColumn('retired_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_by_subject').on('audit_log').columns(['subject', 'seq']).execute();
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
  },
  '002_console_accounts': async (db) => {
    // People who sign in to the console; the audit chain names them by id only.
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'officer', 'viewer')`))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .execute();
    // Only a hash of the session id is stored: a copy of the table signs no one in.
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();
    // Failed sign-ins, keyed by a hash of the account or the address, shared by every instance.
    await db.schema
      .createTable('sign_in_failures')
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sign_in_failures_by_key').on('sign_in_failures').columns(['key_hash', 'at']).execute();
  },
  '003_reminder_outbox': async (db, dialect) => {
    const serial = dialect === 'postgres' ? 'serial' : 'integer';
    await db.schema
      .createTable('reminder_outbox')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      // One message per (label, its end date, event, channel, target): enqueued once, whoever enqueues it.
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('delivery_id', 'text', (c) => c.notNull().unique())
      .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'webhook')`))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('cluster_id', 'text', (c) => c.notNull().references('clusters.id'))
      .addColumn('label_id', 'integer', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('reminder_outbox_due').on('reminder_outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('reminder_outbox_by_cluster').on('reminder_outbox').columns(['cluster_id', 'id']).execute();
  },
  /**
   * The public register's search. Each cluster mirrors its current label (the
   * newest) in `current_label_id` and `label_*`, kept by triggers inside the
   * writing transaction, so filtering and counting by level and status read one
   * indexed table instead of joining every label. Labels are never deleted: the
   * foreign key makes an attempt fail loudly rather than leave a stale mirror.
   * Name search: FTS5 trigram on SQLite, pg_trgm on PostgreSQL (a trusted
   * extension since PostgreSQL 13: the database owner may create it).
   */
  '004_register_search': async (db, dialect) => {
    await db.schema.alterTable('clusters').addColumn('current_label_id', 'integer', (c) => c.references('labels.id')).execute();
    for (const column of ['label_level', 'label_status', 'label_valid_until']) {
      await db.schema.alterTable('clusters').addColumn(column, 'text').execute();
    }
    await sql`update clusters set current_label_id = (select max(id) from labels where labels.cluster_id = clusters.id)`.execute(db);
    await sql`update clusters set
      label_level = (select level from labels where labels.id = clusters.current_label_id),
      label_status = (select status from labels where labels.id = clusters.current_label_id),
      label_valid_until = (select valid_until from labels where labels.id = clusters.current_label_id)`.execute(db);

    await db.schema.createIndex('clusters_by_name').on('clusters').columns(['name', 'id']).execute();
    await db.schema.createIndex('clusters_by_country').on('clusters').columns(['country', 'name', 'id']).execute();
    await db.schema.createIndex('clusters_by_label_status').on('clusters').columns(['label_status', 'label_valid_until']).execute();
    await db.schema.createIndex('clusters_by_label_level').on('clusters').columns(['label_level', 'label_status', 'label_valid_until']).execute();
    await db.schema.createIndex('clusters_by_valid_until').on('clusters').columns(['label_valid_until', 'name', 'id']).execute();

    // A new label becomes current; a change to the current one is mirrored.
    const mirrorInsert = sql`update clusters set current_label_id = new.id, label_level = new.level, label_status = new.status, label_valid_until = new.valid_until
      where id = new.cluster_id and (current_label_id is null or current_label_id < new.id)`;
    const mirrorUpdate = sql`update clusters set label_level = new.level, label_status = new.status, label_valid_until = new.valid_until
      where id = new.cluster_id and current_label_id = new.id`;

    if (dialect === 'sqlite') {
      await sql`create trigger labels_mirror_insert after insert on labels begin ${mirrorInsert}; end`.execute(db);
      await sql`create trigger labels_mirror_update after update of level, status, valid_until on labels begin ${mirrorUpdate}; end`.execute(db);
      // FTS5 needs an integer key. The clusters' implicit rowid is no such key (VACUUM
      // may renumber it), so each cluster keeps its own `search_id`, the FTS rowid.
      // The name is indexed after a space, so " ai" is a trigram that finds a word's start.
      await sql`alter table clusters add column search_id integer`.execute(db);
      await sql`update clusters set search_id = rowid`.execute(db);
      // Name matches are filtered and sorted from this index alone, without reading
      // their rows. (Not unique: the insert trigger hands out each number once.)
      await sql`create index clusters_by_search_id on clusters (search_id, label_status, label_valid_until, label_level, country, name, id)`.execute(db);
      await sql`create virtual table clusters_fts using fts5(name, tokenize = 'trigram')`.execute(db);
      await sql`insert into clusters_fts (rowid, name) select search_id, ' ' || name from clusters`.execute(db);
      await sql`create trigger clusters_fts_insert after insert on clusters begin
        update clusters set search_id = (select coalesce(max(search_id), 0) + 1 from clusters) where id = new.id;
        insert into clusters_fts (rowid, name) select search_id, ' ' || name from clusters where id = new.id;
      end`.execute(db);
      await sql`create trigger clusters_fts_update after update of name on clusters when old.name is not new.name begin
        update clusters_fts set name = ' ' || new.name where rowid = new.search_id;
      end`.execute(db);
      await sql`create trigger clusters_fts_delete after delete on clusters begin delete from clusters_fts where rowid = old.search_id; end`.execute(db);
    } else {
      await sql`create function labels_mirror() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${mirrorInsert}; else ${mirrorUpdate}; end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger labels_mirror after insert or update of level, status, valid_until on labels for each row execute function labels_mirror()`.execute(db);
      await sql`create extension if not exists pg_trgm`.execute(db);
      await sql`create index clusters_name_trgm on clusters using gin (name gin_trgm_ops)`.execute(db);
    }
  },
  /**
   * The `-valid-until` order (latest end first, labelless last, then name and id
   * ascending) mixes directions, so the ascending index cannot serve it; this one
   * does, on both dialects, for pages by number and walks from a cursor alike.
   */
  '005_register_order_by_end_desc': async (db, dialect) => {
    const end = dialect === 'postgres' ? sql`label_valid_until desc nulls last` : sql`label_valid_until desc`;
    await sql`create index clusters_by_valid_until_desc on clusters (${end}, name, id)`.execute(db);
  },
  /**
   * Verifiable credentials: each label's place in a status list (a random free index
   * within the list, so that indices say nothing of the order of awards), the signed
   * credentials issued for it, and how long each signing key must stay published so
   * that the long-lived credentials it signed can still be checked.
   */
  '006_credentials': async (db, dialect) => {
    const serial = dialect === 'postgres' ? 'serial' : 'integer';
    await db.schema
      .createTable('status_entries')
      .addColumn('label_id', 'integer', (c) => c.primaryKey().references('labels.id'))
      .addColumn('list', 'integer', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addUniqueConstraint('status_entries_place', ['list', 'idx'])
      .execute();
    await db.schema
      .createTable('credentials')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id'))
      .addColumn('format', 'text', (c) => c.notNull())
      // The label's last day when this credential was signed: a renewal makes it stale.
      .addColumn('label_valid_until', 'text', (c) => c.notNull())
      .addColumn('kid', 'text', (c) => c.notNull())
      .addColumn('compact', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('credentials_once', ['label_id', 'format', 'label_valid_until', 'kid'])
      .execute();
    await db.schema.alterTable('signing_keys').addColumn('publish_until', 'text').execute();
  },
  /**
   * The register's most asked-for list, the clusters holding a label (`status=valid`), in
   * name order: this index gives them already sorted, with the end date to check, so a
   * page by number steps over index entries instead of reading and sorting every valid
   * row (page 800 of 100,000 clusters: 267 ms became 9 ms on SQLite).
   */
  '007_register_status_by_name': async (db) => {
    await sql`create index clusters_by_status_name on clusters (label_status, name, id, label_valid_until)`.execute(db);
  },
  /**
   * The transparency log (docs/log.md): its entries, every perfect subtree's hash
   * (so a tile or a proof is read, never recomputed), the checkpoints it published,
   * and its Ed25519 keys, sealed like the signing keys. Rows are only ever added,
   * except a key's state.
   */
  '008_transparency_log': async (db) => {
    await db.schema
      .createTable('log_entries')
      .addColumn('idx', 'integer', (c) => c.primaryKey())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('log_entries_by_subject').on('log_entries').columns(['subject', 'idx']).execute();
    await db.schema
      .createTable('log_nodes')
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('log_nodes_pk', ['level', 'idx'])
      .execute();
    await db.schema
      .createTable('log_checkpoints')
      .addColumn('size', 'integer', (c) => c.primaryKey())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('log_keys')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('current', 'retired')`))
      .addColumn('vkey', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .execute();
  },
  /**
   * The console's list of clusters at any size (docs/console.md). Each cluster keeps the
   * instant of its last change, its own or its current label's, so "last changed first"
   * is one index walk: the label mirror (004) now copies the label's `changed_at`, and a
   * change to the cluster's own row copies its `updated_at`. The level order and the
   * audit log's filters by actor and action get their own indexes.
   */
  '009_console_list': async (db, dialect) => {
    await db.schema.alterTable('clusters').addColumn('changed_at', 'text').execute();
    await sql`update clusters set changed_at = updated_at`.execute(db);
    await sql`update clusters set changed_at = (select changed_at from labels where labels.id = clusters.current_label_id)
      where current_label_id is not null and (select changed_at from labels where labels.id = clusters.current_label_id) > updated_at`.execute(db);

    const mirrorInsert = sql`update clusters set current_label_id = new.id, label_level = new.level, label_status = new.status, label_valid_until = new.valid_until, changed_at = new.changed_at
      where id = new.cluster_id and (current_label_id is null or current_label_id < new.id)`;
    const mirrorUpdate = sql`update clusters set label_level = new.level, label_status = new.status, label_valid_until = new.valid_until, changed_at = new.changed_at
      where id = new.cluster_id and current_label_id = new.id`;
    if (dialect === 'sqlite') {
      await sql`drop trigger labels_mirror_insert`.execute(db);
      await sql`drop trigger labels_mirror_update`.execute(db);
      await sql`create trigger labels_mirror_insert after insert on labels begin ${mirrorInsert}; end`.execute(db);
      await sql`create trigger labels_mirror_update after update of level, status, valid_until on labels begin ${mirrorUpdate}; end`.execute(db);
      await sql`create trigger clusters_changed_insert after insert on clusters begin update clusters set changed_at = new.updated_at where id = new.id; end`.execute(db);
      await sql`create trigger clusters_changed_update after update of updated_at on clusters begin update clusters set changed_at = new.updated_at where id = new.id; end`.execute(db);
    } else {
      await sql`create or replace function labels_mirror() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${mirrorInsert}; else ${mirrorUpdate}; end if;
          return null;
        end $$`.execute(db);
      await sql`create function clusters_changed() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' or new.updated_at is distinct from old.updated_at then new.changed_at := new.updated_at; end if;
          return new;
        end $$`.execute(db);
      await sql`create trigger clusters_changed before insert or update of updated_at on clusters for each row execute function clusters_changed()`.execute(db);
    }
    await db.schema.createIndex('clusters_by_changed').on('clusters').columns(['changed_at', 'id']).execute();
    await db.schema.createIndex('clusters_by_level_name').on('clusters').columns(['label_level', 'name', 'id']).execute();
    await db.schema.createIndex('audit_by_actor').on('audit_log').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_by_action').on('audit_log').columns(['action', 'seq']).execute();
  },
  /**
   * SQLite: the name order's index carries what a name search filters on, so a page
   * of a common word is found by walking it (`search.ts`, WALK) from the index alone,
   * without reading a row per entry it passes (q=cluster&status=expired at 100,000
   * clusters: 32 ms became 12 ms). It replaces the narrower index of the same name.
   * PostgreSQL plans from statistics and walks its own index already.
   */
  '010_register_name_search': async (db, dialect) => {
    if (dialect !== 'sqlite') return;
    await sql`drop index clusters_by_name`.execute(db);
    await sql`create index clusters_by_name on clusters (name, id, search_id, label_status, label_valid_until, label_level, country)`.execute(db);
  },
  /**
   * Register files uploaded in the console, kept (for a day) between the dry run and
   * the confirmation, so that any instance can show and confirm what another checked.
   */
  '011_console_imports': async (db) => {
    await db.schema
      .createTable('console_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('csv', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('report', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  /**
   * PostgreSQL: the start of an id (the console's text search matches names or an id's
   * start) read from an index whatever the database's collation; a `like 'x%'` cannot use
   * the primary key's index outside the C collation, and the OR with the name's trigram
   * index became a scan of every cluster. SQLite reads the id's start as a key range.
   */
  '012_cluster_id_prefix': async (db, dialect) => {
    if (dialect !== 'postgres') return;
    await sql`create index clusters_id_prefix on clusters (id text_pattern_ops)`.execute(db);
  },
  /**
   * An uploaded register file kept in parts of some 256 KiB, written one statement at a
   * time as the upload arrives and read back one at a time: a 13 MB file in one statement
   * held SQLite's one thread, and every request with it, for a quarter of a second. A
   * part goes with its upload. Files kept by 011 become one part each.
   */
  '013_console_import_parts': async (db) => {
    await db.schema
      .createTable('console_import_parts')
      .addColumn('import_id', 'text', (c) => c.notNull().references('console_imports.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('console_import_parts_pk', ['import_id', 'seq'])
      .execute();
    await sql`insert into console_import_parts (import_id, seq, text) select id, 0, csv from console_imports`.execute(db);
    await db.schema.alterTable('console_imports').dropColumn('csv').execute();
  },
  /**
   * One country's clusters in the order of their label's end, either way: a page of
   * them (`country=FR&sort=-valid-until&page=20`) is a range of one index. Without it
   * PostgreSQL walked the whole register's order of ends and tested each row's country
   * (15,000 rows for page 20 of a country with 3,400 clusters: 78 ms, against 0.2 ms).
   */
  '014_register_country_by_end': async (db, dialect) => {
    const descending = dialect === 'postgres' ? sql`label_valid_until desc nulls last` : sql`label_valid_until desc`;
    await sql`create index clusters_by_country_valid_until on clusters (country, label_valid_until, name, id)`.execute(db);
    await sql`create index clusters_by_country_valid_until_desc on clusters (country, ${descending}, name, id)`.execute(db);
  },
  /**
   * The schemes an admin sets up beside the ECEI's (docs/schemes.md), each one JSON
   * document as `parseScheme` checked it. The ECEI scheme is not stored: it is built
   * from the deployment's settings at every start.
   */
  '015_schemes': async (db) => {
    await db.schema
      .createTable('schemes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  /**
   * A label per scheme (docs/schemes.md): every label names its scheme, the ECEI's for
   * all until now, and its level is checked against that scheme in the domain, no
   * longer by a fixed list here. The clusters' mirrored current label (004, 009) stays
   * the ECEI label, which the register's search and the console's list read; the
   * current label of any scheme is the newest of the cluster's labels in it
   * (`current-label.ts`), one seek in `labels_by_cluster_scheme`.
   *
   * SQLite cannot drop a CHECK: the table is rebuilt, keeping every id (the rows that
   * name them, in status_entries, credentials and clusters, stay as they are), with its
   * indexes and triggers made again, inside one transaction with foreign keys off
   * (SQLite's own procedure, https://sqlite.org/lang_altertable.html#otheralter).
   */
  '016_label_scheme': async (db, dialect) => {
    const mirrorInsert = sql`update clusters set current_label_id = new.id, label_level = new.level, label_status = new.status, label_valid_until = new.valid_until, changed_at = new.changed_at
      where id = new.cluster_id and new.scheme = 'ecei' and (current_label_id is null or current_label_id < new.id)`;
    const mirrorUpdate = sql`update clusters set label_level = new.level, label_status = new.status, label_valid_until = new.valid_until, changed_at = new.changed_at
      where id = new.cluster_id and current_label_id = new.id`;
    if (dialect === 'postgres') {
      await sql`alter table labels add column scheme text not null default 'ecei'`.execute(db);
      await sql`alter table labels drop constraint labels_level_check`.execute(db);
      await sql`create or replace function labels_mirror() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${mirrorInsert}; else ${mirrorUpdate}; end if;
          return null;
        end $$`.execute(db);
    } else {
      const columns = 'id, cluster_id, scheme, level, awarded, valid_until, status, assessment_ref, revoked_at, public_reason, internal_note, changed_at';
      await sql`pragma foreign_keys = off`.execute(db);
      try {
        await sql`begin immediate`.execute(db);
        try {
          await sql`create table labels_rebuilt (
            id integer primary key autoincrement,
            cluster_id text not null references clusters (id),
            scheme text not null default 'ecei',
            level text not null,
            awarded text not null,
            valid_until text not null,
            status text not null check (status in ('valid', 'expired', 'revoked', 'withdrawn', 'superseded')),
            assessment_ref text,
            revoked_at text,
            public_reason text,
            internal_note text,
            changed_at text not null
          )`.execute(db);
          await sql.raw(`insert into labels_rebuilt (${columns}) select ${columns.replace('scheme', `'ecei'`)} from labels`).execute(db);
          await sql`drop table labels`.execute(db);
          await sql`alter table labels_rebuilt rename to labels`.execute(db);
          await sql`create index labels_by_cluster on labels (cluster_id, id)`.execute(db);
          await sql`create index labels_by_status_end on labels (status, valid_until)`.execute(db);
          await sql`create trigger labels_mirror_insert after insert on labels begin ${mirrorInsert}; end`.execute(db);
          await sql`create trigger labels_mirror_update after update of level, status, valid_until on labels begin ${mirrorUpdate}; end`.execute(db);
          const broken = await sql`pragma foreign_key_check`.execute(db);
          if (broken.rows.length > 0) throw new Error(`the rebuilt labels table breaks ${broken.rows.length} foreign keys`);
          await sql`commit`.execute(db);
        } catch (error) {
          await sql`rollback`.execute(db);
          throw error;
        }
      } finally {
        await sql`pragma foreign_keys = on`.execute(db);
      }
    }
    await db.schema.createIndex('labels_by_cluster_scheme').on('labels').columns(['cluster_id', 'scheme', 'id']).execute();
  },
  /**
   * The register's `scheme` filter (docs/register.md) finds the clusters holding a
   * label of one scheme: from this index, a few steps per match, where
   * `labels_by_cluster_scheme` would be read whole.
   */
  '017_labels_by_scheme': async (db) => {
    await db.schema.createIndex('labels_by_scheme').on('labels').columns(['scheme', 'cluster_id']).execute();
  },
  /**
   * Each cluster's current label in every scheme — its newest there, whatever its
   * status — as one row per cluster and scheme, with the level, status and end that
   * filters read: the ECEI mirror on `clusters` (004) made general. Kept by triggers
   * inside every writing transaction, like that mirror, so that a scheme's work queues
   * and the register's filters on a scheme find their clusters in one index range.
   */
  '018_current_labels': async (db, dialect) => {
    await db.schema
      .createTable('current_labels')
      .addColumn('cluster_id', 'text', (c) => c.notNull().references('clusters.id'))
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('label_id', 'integer', (c) => c.notNull().unique().references('labels.id'))
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('current_labels_key', ['cluster_id', 'scheme'])
      .execute();
    await sql`insert into current_labels (cluster_id, scheme, label_id, level, status, valid_until)
      select cluster_id, scheme, id, level, status, valid_until from labels
      where id in (select max(id) from labels group by cluster_id, scheme)`.execute(db);
    await db.schema.createIndex('current_labels_by_level').on('current_labels').columns(['scheme', 'level', 'status', 'valid_until', 'cluster_id']).execute();
    await db.schema.createIndex('current_labels_by_status').on('current_labels').columns(['scheme', 'status', 'valid_until', 'cluster_id']).execute();

    const insert = sql`insert into current_labels (cluster_id, scheme, label_id, level, status, valid_until)
      values (new.cluster_id, new.scheme, new.id, new.level, new.status, new.valid_until)
      on conflict (cluster_id, scheme) do update set label_id = excluded.label_id, level = excluded.level, status = excluded.status, valid_until = excluded.valid_until
      where current_labels.label_id < excluded.label_id`;
    const update = sql`update current_labels set level = new.level, status = new.status, valid_until = new.valid_until where label_id = new.id`;
    if (dialect === 'sqlite') {
      await sql`create trigger current_labels_insert after insert on labels begin ${insert}; end`.execute(db);
      await sql`create trigger current_labels_update after update of level, status, valid_until on labels begin ${update}; end`.execute(db);
    } else {
      await sql`create function current_labels_kept() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${insert}; else ${update}; end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger current_labels_kept after insert or update of level, status, valid_until on labels for each row execute function current_labels_kept()`.execute(db);
    }
  },
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(steps)) migrations[name] = { up: (db) => step(db, dialect) };
      return migrations;
    },
  };
}

/**
 * Brings the schema up to date, or up to the step `until` (to test a step on the data
 * before it); safe to run from several instances at once (Kysely takes a lock).
 */
export async function migrate(db: Kysely<unknown>, dialect: Dialect, until?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const { error, results } = await (until === undefined ? migrator.migrateToLatest() : migrator.migrateTo(until));
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`The registry schema could not be migrated (step ${failed}): ${messageOf(error)}`);
  }
}
