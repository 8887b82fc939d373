import * as z from 'zod';
import { EMBLEMS } from '../domain/schemes.ts';
import { LABEL_STATUSES, LEVELS } from '../domain/types.ts';

/*
 * What the HTTP routes answer, as the OpenAPI document describes it. Each schema named
 * in `COMPONENTS` is a component of the document; tests/server/openapi.test.ts holds
 * real answers to them.
 */

const text = z.string();
const date = z.iso.date();
const instant = z.iso.datetime();
const integer = z.int();

export const ErrorBody = z.strictObject({ error: z.strictObject({ code: z.string().regex(/^[a-z0-9_]+$/), message: text }) });

const Health = z.strictObject({ status: z.enum(['ok']), database: z.enum(['sqlite', 'postgres']), signingKey: text.nullable() });
const Unhealthy = z.strictObject({ status: z.enum(['unavailable']), error: z.strictObject({ code: text, message: text }) });
const Jwks = z.strictObject({
  keys: z.array(z.strictObject({ kty: z.enum(['EC']), crv: z.enum(['P-256']), x: text, y: text, kid: text, alg: z.enum(['ES256']), use: z.enum(['sig']) })),
});
const WidgetInfo = z.strictObject({
  version: text,
  evergreen: text.describe('The address that follows releases within the major version.'),
  pinned: text.describe('This version’s immutable address.'),
  integrity: text.describe('The SRI hash (sha384-…) of the pinned file.'),
});
const AuditHead = z.strictObject({ seq: integer, at: instant, hash: text, signature: text.describe('Compact JWS (ES256, typ audit-head+jwt) of {seq, hash, at, iss, iat}.') });

const Label = z.strictObject({
  id: integer,
  clusterId: text,
  scheme: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/).describe('The scheme the label is of: `ecei`, or one set up by an admin (GET /v1/schemes).'),
  level: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/).describe('One of its scheme’s level ids: bronze, silver or gold for the ECEI scheme.'),
  awarded: date,
  validUntil: date,
  status: z.enum(LABEL_STATUSES).describe('As of now: a valid label past its last day reads expired.'),
  assessmentRef: text.nullable(),
  revokedAt: instant.nullable(),
  publicReason: text.nullable(),
  internalNote: text.nullable(),
  changedAt: instant,
});

/** What the public register shows of a cluster: never its contact. */
const publicClusterFields = { id: text, name: text, organisation: text, country: text, portfolio: text, sites: z.array(text) };
const clusterFields = {
  ...publicClusterFields,
  contactEmail: text.nullable(),
  createdAt: instant,
  updatedAt: instant,
  label: Label.nullable().describe('The current ECEI label, or null.'),
  currentLabels: z.array(Label).describe('The current label in every scheme the cluster has held one in, sorted by scheme; the ECEI one too.'),
};
const Cluster = z.strictObject(clusterFields);
const ClusterDetail = z.strictObject({ ...clusterFields, labels: z.array(Label).describe('The whole label history, oldest first.') });
const ClusterPage = z.strictObject({ items: z.array(Cluster), total: integer, page: integer, pageSize: integer });
const ClusterRef = z.strictObject({ id: text, name: text });
const ExpiringLabels = z.strictObject({ days: integer, items: z.array(z.strictObject({ cluster: ClusterRef, label: Label })) });
const AwaitingWithdrawal = z.strictObject({ items: z.array(z.strictObject({ cluster: ClusterRef, label: Label, graceEnded: date })) });
const AuditEntry = z.strictObject({
  seq: integer,
  at: instant,
  actor: text.describe('token:<name>, cli:<user>, user:<id>, system or seed.'),
  action: text,
  subject: text,
  before: z.unknown().describe('The state before the change (personal data only by reference), or null.'),
  after: z.unknown().describe('The state after the change, or null.'),
  hash: text,
  prevHash: text,
  signature: text,
});
const AuditPage = z.strictObject({ items: z.array(AuditEntry), nextBefore: integer.nullable().describe('Pass as `before` for the next (older) page; null on the last one.') });
const ChainReport = z.strictObject({
  ok: z.boolean(),
  entries: integer.describe('Entries checked.'),
  brokenAt: z.strictObject({ seq: integer, reason: text }).optional(),
  head: AuditHead.nullable(),
});
const KeyInfo = z.strictObject({
  kid: text,
  state: z.enum(['next', 'current', 'retired', 'revoked']),
  createdAt: instant,
  activatedAt: instant.nullable(),
  retiredAt: instant.nullable(),
  revokedAt: instant.nullable(),
});
const KeyList = z.strictObject({ signingKid: text.nullable(), keys: z.array(KeyInfo) });
const Rotation = z.strictObject({ step: z.enum(['published', 'activated']), kid: text, activateAfter: instant.optional() });
const KeyRevocation = z.strictObject({ revoked: text, signingKid: text });
const LabelClaim = z.strictObject({
  status: z.enum(['valid', 'expired', 'revoked', 'none']).describe('As a token states it: a withdrawn label reads expired.'),
  level: z.enum(LEVELS).optional(),
  awarded: date.optional(),
  validUntil: date.optional(),
  revokedAt: instant.optional(),
  reason: text.optional().describe('The public reason of a revocation.'),
});
const SchemeLabelClaim = z.strictObject({
  scheme: text.describe('The scheme’s id, as GET /v1/schemes lists it.'),
  status: z.enum(['valid', 'expired', 'revoked']).describe('As a token states it: a withdrawn label reads expired.'),
  level: text.describe('One of the scheme’s level ids.'),
  awarded: date,
  validUntil: date,
  revokedAt: instant.optional(),
  reason: text.optional().describe('The public reason of a revocation.'),
});
const RegisterPage = z.strictObject({
  items: z.array(
    z.strictObject({
      ...publicClusterFields,
      label: LabelClaim.describe('The ECEI label, as the token’s `label` states it.'),
      labels: z.array(SchemeLabelClaim).describe('The current label in every scheme, the ECEI’s included, as the token’s `labels` states them: sorted by scheme, `[]` when none.'),
      url: text.describe('The cluster’s verification page.'),
    }),
  ),
  total: integer,
  page: integer.optional().describe('The page number asked for; absent on a page reached by `after`.'),
  pageSize: integer,
  next: text.nullable().describe('The address of the next page (with `after`); null on the last page.'),
});

const slug = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
const localised = z.looseObject({ en: text }).describe('Per two-letter language code; `en` is always there and is the fallback.');
const months = integer.min(0).max(120);
/** A scheme, as `GET /v1/schemes` lists it and an admin sends it (`PUT /v1/admin/schemes/{id}`). */
export const Scheme = z.strictObject({
  id: slug.describe('Stable for ever: tokens, URLs and exports name the scheme by it.'),
  kind: z.enum(['levels', 'membership']).describe('`levels`: an ordered ladder, a higher level supersedes a lower one; `membership`: one level, held or not.'),
  name: localised,
  issuer: text.describe('Who awards it.'),
  levels: z
    .array(
      z.strictObject({
        id: slug,
        name: localised,
        validityMonths: months.describe('Months a first award holds, to the end of the month.'),
        renewalMonths: months.describe('Months a renewal adds to the previous end, to the end of the month.'),
        seal: z
          .strictObject({ colour: z.string().regex(/^#[0-9a-f]{6}$/), emblem: z.enum(EMBLEMS) })
          .describe('The seal this issuer draws for the level, its colour dark enough for white text: never the programme’s own artwork.'),
      }),
    )
    .describe('Lowest first; a membership has exactly one.'),
  rules: z.strictObject({
    renewalWindowMonths: months.nullable().describe('How many months before its end a valid label may be renewed; null: at any time.'),
    graceMonths: months.describe('Months after its end during which an expired label may still be renewed.'),
  }),
});
const SchemeList = z.strictObject({ schemes: z.array(Scheme).describe('The ECEI scheme first, then the others by id.') });

const check = z.strictObject({ ok: z.boolean().nullable().describe('Passed, failed, or not checked (null).'), text: text.describe('The check in plain words.') });
const ClusterCredentials = z.strictObject({
  cluster: text,
  credentials: z
    .array(
      z.strictObject({
        format: z.enum(['vc+jwt', 'dc+sd-jwt']),
        mediaType: z.enum(['application/vc+jwt', 'application/dc+sd-jwt']),
        name: text,
        expiresAt: instant,
        download: text.describe('The same credential as a file.'),
        credential: text.describe('The compact form.'),
      }),
    )
    .describe('Empty unless the cluster holds a valid label.'),
});
const VerifyReport = z.strictObject({
  format: z.enum(['vc+jwt', 'dc+sd-jwt', 'cluster-label+jwt', 'statuslist+jwt']),
  kind: text,
  code: z.string().regex(/^[a-z0-9_]+$/).describe('`valid`, or the first problem found.'),
  verdict: z.enum(['valid', 'not_valid']),
  summary: text,
  signature: check,
  issuer: check,
  validity: check,
  status: check,
  claims: z.looseObject({}).nullable().describe('What the token says, once its signature verified.'),
});

/** The named schemas of the document, by their component name. */
export const RESPONSES = {
  Error: ErrorBody,
  Health,
  Unhealthy,
  Jwks,
  WidgetInfo,
  AuditHead,
  Label,
  Cluster,
  ClusterDetail,
  ClusterPage,
  ClusterRef,
  ExpiringLabels,
  AwaitingWithdrawal,
  AuditEntry,
  AuditPage,
  ChainReport,
  KeyInfo,
  KeyList,
  Rotation,
  KeyRevocation,
  LabelClaim,
  RegisterPage,
  Scheme,
  SchemeList,
  ClusterCredentials,
  VerifyReport,
};
