export const LEVELS = ['bronze', 'silver', 'gold'] as const;
export type Level = (typeof LEVELS)[number];

/** How a label row stands in the registry. `withdrawn` and `superseded` never appear in a token. */
export const LABEL_STATUSES = ['valid', 'expired', 'revoked', 'withdrawn', 'superseded'] as const;
export type LabelStatus = (typeof LABEL_STATUSES)[number];

/** What a token says of a cluster's current label. */
export type TokenStatus = 'valid' | 'expired' | 'revoked' | 'none';

/** An ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export interface Cluster {
  id: string;
  name: string;
  organisation: string;
  country: string;
  portfolio: string;
  sites: string[];
  contactEmail: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A label of any scheme; `Label<Level>` is one of the ECEI scheme ({@link eceiLabel}). */
export interface Label<L extends string = string> {
  id: number;
  clusterId: string;
  /** The scheme the label is of (`ecei`, …). */
  scheme: string;
  /** One of its scheme's level ids: for the ECEI scheme, a {@link Level}. */
  level: L;
  awarded: IsoDate;
  validUntil: IsoDate;
  status: LabelStatus;
  assessmentRef: string | null;
  revokedAt: string | null;
  publicReason: string | null;
  internalNote: string | null;
  changedAt: string;
}

export const isLevel = (value: unknown): value is Level => LEVELS.includes(value as Level);
