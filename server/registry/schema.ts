import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../auth/roles.ts';
import type { LabelStatus, Level } from '../domain/types.ts';
import type { KeyState } from '../keys/keyring.ts';
import type { Channel, DeliveryStatus } from '../reminders/outbox.ts';
import type { ReminderEvent } from '../reminders/plan.ts';

/** A column only triggers write: read it, never set it. */
type Mirrored<T> = ColumnType<T, never, never>;

/** The registry's tables as Kysely sees them. Dates and instants are ISO text in both dialects. */
export interface Schema {
  clusters: {
    id: string;
    name: string;
    organisation: string;
    country: string;
    portfolio: string;
    /** JSON array of origins. */
    sites: string;
    contact_id: string | null;
    created_at: string;
    updated_at: string;
    /** The cluster's current (newest) label, mirrored by triggers for the register's search (migration 004). */
    current_label_id: Mirrored<number | null>;
    label_level: Mirrored<Level | null>;
    label_status: Mirrored<LabelStatus | null>;
    label_valid_until: Mirrored<string | null>;
    /** The last change to the cluster or its current label, mirrored by triggers for the console's list (migration 009). */
    changed_at: Mirrored<string | null>;
    /** SQLite only: the cluster's row in `clusters_fts`. */
    search_id: Mirrored<number | null>;
  };
  /** SQLite only: the FTS5 index of cluster names. */
  clusters_fts: {
    rowid: number;
    name: string;
  };
  /** Personal data lives here alone, so it can be erased without touching the audit chain. */
  contacts: {
    id: string;
    email: string;
  };
  /** Schemes set up by an admin (migration 015); the ECEI's comes from the settings. */
  schemes: {
    id: string;
    /** JSON: the scheme as `parseScheme` returned it. */
    definition: string;
    updated_at: string;
  };
  labels: {
    id: Generated<number>;
    cluster_id: string;
    /** The scheme's id; `ecei` unless given (migration 016). */
    scheme: Generated<string>;
    /** One of the scheme's level ids, checked by the domain. */
    level: string;
    awarded: string;
    valid_until: string;
    status: LabelStatus;
    assessment_ref: string | null;
    revoked_at: string | null;
    public_reason: string | null;
    internal_note: string | null;
    changed_at: string;
  };
  /** Each cluster's current label per scheme (its newest there), kept by triggers (migration 018). */
  current_labels: {
    cluster_id: string;
    scheme: string;
    label_id: number;
    level: string;
    status: LabelStatus;
    valid_until: string;
  };
  signing_keys: {
    kid: string;
    state: KeyState;
    public_jwk: string;
    private_jwk: string;
    created_at: string;
    activated_at: string | null;
    retired_at: string | null;
    revoked_at: string | null;
    /** While a credential it signed is unexpired, a retired key stays in the JWKS. */
    publish_until: ColumnType<string | null, string | null | undefined, string | null>;
  };
  audit_log: {
    seq: number;
    at: string;
    actor: string;
    action: string;
    subject: string;
    before: string | null;
    after: string | null;
    prev_hash: string;
    hash: string;
    signature: string;
  };
  api_tokens: {
    id: string;
    name: string;
    role: Role;
    token_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
  /** Console accounts and sign-in (migration 002). */
  users: {
    id: string;
    email: string;
    role: Role;
    password_hash: string;
    created_at: string;
    disabled_at: string | null;
  };
  sessions: {
    id_hash: string;
    user_id: string;
    csrf_token: string;
    created_at: string;
    expires_at: string;
  };
  sign_in_failures: {
    key_hash: string;
    at: string;
  };
  /** Register files uploaded in the console, between dry run and confirmation (migrations 011, 013). */
  console_imports: {
    id: string;
    actor: string;
    file_name: string;
    /** JSON: the defaults chosen for the file (country, level). */
    options: string;
    /** receiving → checking → checked → writing → done; or refused, or failed. */
    state: string;
    /** JSON: the dry run's (then the import's) report. */
    report: string | null;
    created_at: string;
    updated_at: string;
  };
  /** An uploaded file's text, in order of `seq` (migration 013). */
  console_import_parts: {
    import_id: string;
    seq: number;
    text: string;
  };
  /** Reminders waiting to be sent, shared by every instance (migration 003). */
  reminder_outbox: {
    id: Generated<number>;
    dedupe_key: string;
    delivery_id: string;
    channel: Channel;
    target: string;
    cluster_id: string;
    label_id: number;
    event: ReminderEvent;
    payload: string;
    status: DeliveryStatus;
    attempts: number;
    next_attempt_at: string;
    claimed_by: string | null;
    claimed_until: string | null;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
  };
  /** Each label's place in a status list (migration 006). */
  status_entries: {
    label_id: number;
    list: number;
    idx: number;
  };
  /** Signed credentials, kept as issued (migration 006). */
  credentials: {
    id: Generated<number>;
    label_id: number;
    format: string;
    label_valid_until: string;
    kid: string;
    compact: string;
    issued_at: string;
    expires_at: string;
  };
  /** The transparency log (migration 008). `idx` counts from 0. */
  log_entries: {
    idx: number;
    /** The cluster id, or `key:<kid>` / `log-key:<key id>`, for reading one subject's entries. */
    subject: string;
    /** The entry's bytes as UTF-8 text: what the leaf hash covers. */
    data: string;
  };
  /** The hash of the perfect subtree covering entries [idx·2^level, (idx+1)·2^level), hex. */
  log_nodes: {
    level: number;
    idx: number;
    hash: string;
  };
  log_checkpoints: {
    size: number;
    /** The signed note, with the witnesses' cosignatures. */
    note: string;
    published_at: string;
  };
  log_keys: {
    key_id: string;
    state: string;
    vkey: string;
    private_key: string;
    created_at: string;
    retired_at: string | null;
  };
}
