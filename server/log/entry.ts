import { canonicalJson } from '../audit/chain.ts';

/**
 * A log entry: canonical JSON (keys sorted, no spaces) of what a change made public —
 * the cluster's resulting public state, or a key event — plus the change's name, its
 * time, and the audit entry it anchors. Never contacts, accounts or internal notes.
 * Documented in docs/log.md; `v` changes if the form ever does.
 */
export interface ClusterEntry {
  v: 1;
  type: 'cluster';
  change: string;
  at: string;
  audit: AuditAnchor;
  cluster: { id: string; name: string; sites: string[] };
  /** The current ECEI label as the registry records it (`withdrawn` included); null for none. */
  label: LoggedLabel | null;
  /** The current label in every scheme, as `label` records the ECEI one, sorted by scheme; `[]` for none. */
  labels: Array<{ scheme: string } & LoggedLabel>;
}

/** A label as a log entry records it: the registry's status; a revocation's time and public reason. */
export interface LoggedLabel {
  level: string;
  awarded: string;
  validUntil: string;
  status: string;
  revokedAt?: string;
  reason?: string;
}

export interface KeyEntry {
  v: 1;
  type: 'key';
  change: string;
  at: string;
  audit: AuditAnchor;
  /** `attestation`: an ES256 signing key (its public JWK); `log`: a checkpoint key (its vkey). */
  key: { use: 'attestation'; kid: string; state: string; jwk: Record<string, unknown> } | { use: 'log'; keyId: string; state: string; vkey: string };
}

/** The audit entry a log entry was written with: the chain's sequence number and hash there. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export type LogEntry = ClusterEntry | KeyEntry;

export const serializeEntry = (entry: LogEntry): string => canonicalJson(entry);
