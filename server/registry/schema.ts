import type { Generated } from 'kysely';

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
  };
  /** Personal data lives here alone, so it can be erased without touching the audit chain. */
  contacts: {
    id: string;
    email: string;
  };
  labels: {
    id: Generated<number>;
    cluster_id: string;
    level: string;
    awarded: string;
    valid_until: string;
    status: string;
    assessment_ref: string | null;
    revoked_at: string | null;
    public_reason: string | null;
    internal_note: string | null;
    changed_at: string;
  };
  signing_keys: {
    kid: string;
    state: string;
    public_jwk: string;
    private_jwk: string;
    created_at: string;
    activated_at: string | null;
    retired_at: string | null;
    revoked_at: string | null;
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
    role: string;
    token_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
}
