import * as z from 'zod';
import type { ErrorCode } from '../errors.ts';
import { MAX_BODY_BYTES } from './json-body.ts';
import { clusterIdParameter, json, pathParameter, type Operation } from './operation.ts';
import { integerQuery, textQuery } from './query.ts';
import { AwardInput, ClusterInput, ClusterPatch, NoFields, RenewalInput, RevocationInput, RotationInput, SchemeInput, WithdrawalInput } from './requests.ts';
import { KOMPASS } from '../seed.ts';
import { SCHEME_ID } from '../domain/schemes.ts';
import { RESPONSES as R } from './responses.ts';

/*
 * The admin API's operations. routes/admin.ts builds each route from its entry here
 * (path, role, query and body schemas), and the OpenAPI document describes the same
 * entries, so what is validated and what is documented cannot drift apart.
 */

/** The audit log's filters, which the console's audit page reads too. */
export const AuditQuery = z.object({
  subject: textQuery('Only entries about this subject (a cluster id, key:<kid>, token:<name>).'),
  action: textQuery('Only entries of this action (cluster.create, label.award, …).'),
  before: integerQuery(1, Number.MAX_SAFE_INTEGER, undefined, 'Only entries with a lower sequence number: the `nextBefore` of the previous page.'),
});

const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'The `ETag` last read: the change is made only if the resource is still at that version, else `412 precondition_failed`. Without it, the change is made whatever the version.',
  schema: z.string(),
} as const;
const etag = { ETag: 'The version of the resource, for `If-Match`.' };

/** Every admin operation can be refused for these; `forbidden` only where the role is above viewer. */
const ALWAYS = ['unauthorized', 'database_busy', 'database_unreachable'] as const satisfies ErrorCode[];
const BODY = ['malformed_json', 'json_too_deep', 'duplicate_field', 'invalid_body', 'unknown_field', 'payload_too_large', 'unsupported_media_type'] as const satisfies ErrorCode[];
const bodyNotes = { 413: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.` };

function labelAction<S extends z.core.$ZodType = typeof NoFields>(
  action: 'award' | 'upgrade' | 'renew' | 'revoke' | 'withdraw',
  summary: string,
  description: string,
  status: '200' | '201',
  refusals: ErrorCode[],
  body?: { schema: S; example: unknown; required: boolean },
) {
  return {
    method: 'post',
    path: `/v1/admin/clusters/{id}/labels/${action}`,
    tag: 'admin',
    role: 'officer',
    summary,
    description,
    parameters: [clusterIdParameter, ifMatch],
    body: { content: json((body?.schema ?? NoFields) as S), required: body?.required ?? false, ...(body ? { example: body.example } : {}) },
    answers: { [status]: { description: 'The cluster’s label after the change. Read the cluster again for its new ETag.', content: json(R.Label) } },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'cluster_not_found', 'precondition_failed', 'unknown_scheme', ...refusals],
    refusalNotes: { ...bodyNotes, 404: 'No cluster has this id.', 409: 'The label’s life does not allow this change now; nothing was changed.' },
  } satisfies Operation;
}

const awardExample = { level: 'bronze', awarded: '2026-03-02', assessmentRef: 'ESCA-2026-0142' };
const AWARD_REFUSALS: ErrorCode[] = ['missing_field', 'invalid_field', 'unknown_level', 'invalid_date', 'awarded_in_future', 'valid_until_before_awarded'];

export const ADMIN = {
  listClusters: {
    method: 'get',
    path: '/v1/admin/clusters',
    tag: 'admin',
    role: 'viewer',
    summary: 'List clusters with their current label',
    query: z.object({ page: integerQuery(1, 1_000_000, 1, 'Page number.'), pageSize: integerQuery(1, 200, 50, 'Clusters a page, in id order.') }),
    answers: { '200': { description: 'One page of clusters.', content: json(R.ClusterPage), headers: etag } },
    refusals: [...ALWAYS, 'invalid_query'],
  },
  createCluster: {
    method: 'post',
    path: '/v1/admin/clusters',
    tag: 'admin',
    role: 'officer',
    summary: 'Register a cluster',
    body: {
      content: json(ClusterInput),
      required: true,
      example: {
        id: 'nordlicht-photonics',
        name: 'Nordlicht Photonics Cluster',
        organisation: 'Nordlicht Photonics e.V.',
        country: 'DE',
        portfolio: 'Photonics and optical technologies',
        sites: ['https://www.nordlicht-photonics.example'],
        contactEmail: 'office@nordlicht-photonics.example',
      },
    },
    answers: { '201': { description: 'The new cluster.', content: json(R.Cluster), headers: { Location: 'Its address.', ...etag } } },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'missing_field', 'invalid_field', 'invalid_cluster_id', 'invalid_country', 'invalid_origin', 'invalid_email', 'cluster_exists'],
    refusalNotes: { ...bodyNotes, 409: 'A cluster with this id is registered.' },
  },
  getCluster: {
    method: 'get',
    path: '/v1/admin/clusters/{id}',
    tag: 'admin',
    role: 'viewer',
    summary: 'A cluster with its whole label history',
    parameters: [clusterIdParameter],
    answers: { '200': { description: 'The cluster. Its ETag is its version: a digest of its fields and current label.', content: json(R.ClusterDetail), headers: etag } },
    refusals: [...ALWAYS, 'cluster_not_found'],
    refusalNotes: { 404: 'No cluster has this id.' },
  },
  patchCluster: {
    method: 'patch',
    path: '/v1/admin/clusters/{id}',
    tag: 'admin',
    role: 'officer',
    summary: 'Change a cluster’s name, organisation, country, portfolio, websites or contact',
    description: 'Absent fields stay as they are; `contactEmail: null` erases the contact.',
    parameters: [clusterIdParameter, ifMatch],
    body: { content: json(ClusterPatch), required: true, example: { sites: ['https://www.nordlicht-photonics.example', 'https://nordlicht-photonics.example'] } },
    answers: { '200': { description: 'The cluster after the change.', content: json(R.Cluster), headers: etag } },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'missing_field', 'invalid_field', 'immutable_field', 'nothing_to_change', 'invalid_country', 'invalid_origin', 'invalid_email', 'cluster_not_found', 'precondition_failed'],
    refusalNotes: { ...bodyNotes, 404: 'No cluster has this id.' },
  },
  award: labelAction(
    'award',
    'Award a label',
    'A first label, or a new one after an expired, withdrawn or revoked label. Without `validUntil`, the label is valid to the end of the month its level’s period after the assessment.',
    '201',
    [...AWARD_REFUSALS, 'label_already_held'],
    { schema: AwardInput, example: awardExample, required: true },
  ),
  upgrade: labelAction(
    'upgrade',
    'Upgrade to a higher level',
    'The new label replaces the current valid one, which stays in the history as superseded.',
    '201',
    [...AWARD_REFUSALS, 'no_current_label', 'label_not_valid', 'not_an_upgrade', 'no_levels_to_upgrade'],
    { schema: AwardInput, example: { level: 'silver', awarded: '2026-06-01', assessmentRef: 'ESCA-2026-0377' }, required: true },
  ),
  renew: labelAction(
    'renew',
    'Renew the current label',
    'Before expiry or within the grace year after it; extends from the previous end, not from today.',
    '200',
    ['invalid_field', 'invalid_date', 'valid_until_not_later', 'no_current_label', 'label_not_renewable', 'grace_period_over', 'renewal_too_early'],
    { schema: RenewalInput, example: { assessmentRef: 'ESCA-2028-0051' }, required: false },
  ),
  revoke: labelAction(
    'revoke',
    'Revoke the current label early, for cause',
    'The public reason appears in the signed statement; the note stays internal.',
    '200',
    ['missing_field', 'invalid_field', 'no_current_label', 'label_already_revoked', 'label_already_withdrawn'],
    { schema: RevocationInput, example: { reason: 'The benchmarking evidence was found to be incomplete.', note: 'Case 2026-17, decided by the board on 12 June.' }, required: true },
  ),
  withdraw: labelAction(
    'withdraw',
    'Withdraw an expired label formally',
    'For a label whose grace period has passed (see awaiting-withdrawal). Of the ECEI label when the request has no body.',
    '200',
    ['invalid_field', 'no_current_label', 'label_not_expired', 'label_already_revoked', 'label_already_withdrawn', 'label_already_superseded'],
    { schema: WithdrawalInput, example: { scheme: 'kompass' }, required: false },
  ),
  expiring: {
    method: 'get',
    path: '/v1/admin/labels/expiring',
    tag: 'admin',
    role: 'viewer',
    summary: 'Valid labels whose last day falls within the next N days',
    query: z.object({ days: integerQuery(0, 3660, 30, 'The window, in days.') }),
    answers: { '200': { description: 'Soonest first.', content: json(R.ExpiringLabels), headers: etag } },
    refusals: [...ALWAYS, 'invalid_query'],
  },
  awaitingWithdrawal: {
    method: 'get',
    path: '/v1/admin/labels/awaiting-withdrawal',
    tag: 'admin',
    role: 'viewer',
    summary: 'Expired labels past their grace year, waiting to be withdrawn',
    answers: { '200': { description: 'Oldest first.', content: json(R.AwaitingWithdrawal), headers: etag } },
    refusals: ALWAYS,
  },
  listSchemes: {
    method: 'get',
    path: '/v1/admin/schemes',
    tag: 'admin',
    role: 'viewer',
    summary: 'The schemes: the ECEI’s, from the settings, and those set up here',
    answers: { '200': { description: 'The ECEI scheme first, then the others by id; the same list as GET /v1/schemes.', content: json(R.SchemeList), headers: etag } },
    refusals: ALWAYS,
  },
  putScheme: {
    method: 'put',
    path: '/v1/admin/schemes/{id}',
    tag: 'admin',
    role: 'admin',
    summary: 'Set up a scheme, or replace it',
    description:
      'The whole scheme, its `id` the one in the address. A replacement must keep every level that labels of the scheme hold (their names, seals and periods may change). The ECEI scheme (`ecei`) comes from the settings and cannot be set here. Recorded in the audit log as scheme.create or scheme.update; sending the same scheme again changes nothing.',
    parameters: [{ name: 'id', in: 'path', description: 'The scheme id, a lowercase slug.', schema: z.string().regex(SCHEME_ID) }],
    body: { content: json(SchemeInput), required: true, example: KOMPASS },
    answers: {
      '200': { description: 'The scheme, replaced (or unchanged).', content: json(R.Scheme) },
      '201': { description: 'The scheme, created.', content: json(R.Scheme), headers: { Location: 'Its address.' } },
    },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'missing_field', 'invalid_field', 'scheme_id_mismatch', 'scheme_configured', 'scheme_levels_in_use'],
    refusalNotes: { ...bodyNotes, 409: 'The scheme is the configured ECEI one, or labels hold a level the new form leaves out; nothing was changed.' },
  },
  audit: {
    method: 'get',
    path: '/v1/admin/audit',
    tag: 'admin',
    role: 'viewer',
    summary: 'The audit log, newest first',
    query: AuditQuery.extend({ limit: integerQuery(1, 200, 50, 'Entries a page.') }),
    answers: { '200': { description: 'One page of entries.', content: json(R.AuditPage), headers: etag } },
    refusals: [...ALWAYS, 'invalid_query'],
  },
  verifyAudit: {
    method: 'get',
    path: '/v1/admin/audit/verify',
    tag: 'admin',
    role: 'viewer',
    summary: 'Verify the whole audit chain',
    description: 'Recomputes every hash and checks every signature; names the first entry that does not hold.',
    answers: { '200': { description: 'The result, intact or not.', content: json(R.ChainReport), headers: etag } },
    refusals: ALWAYS,
  },
  keys: {
    method: 'get',
    path: '/v1/admin/keys',
    tag: 'admin',
    role: 'viewer',
    summary: 'The signing keys and their states',
    answers: { '200': { description: 'Every key, oldest first. Its ETag is a digest of this list, which the key operations take in If-Match.', content: json(R.KeyList), headers: etag } },
    refusals: ALWAYS,
  },
  rotateKey: {
    method: 'post',
    path: '/v1/admin/keys/rotate',
    tag: 'admin',
    role: 'admin',
    summary: 'Rotate the signing key, in two steps',
    description:
      'The first call publishes a next key; a second call, once every cached key set has it (`activateAfter`), makes it the signing key. `force` skips the wait. If-Match takes the ETag of the key list.',
    parameters: [ifMatch],
    body: { content: json(RotationInput), required: false, example: { force: false } },
    answers: { '200': { description: 'What this step did.', content: json(R.Rotation) } },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'invalid_field', 'precondition_failed', 'next_key_too_new'],
    refusalNotes: { ...bodyNotes, 409: 'The next key was published too recently to sign.' },
  },
  revokeKey: {
    method: 'post',
    path: '/v1/admin/keys/{kid}/revoke',
    tag: 'admin',
    role: 'admin',
    summary: 'Revoke a compromised key at once',
    description:
      'The key leaves the key set immediately, tokens it signed are no longer served, and another key signs from now on. The request has no body. If-Match takes the ETag of the key list.',
    parameters: [pathParameter('kid'), ifMatch],
    body: { content: json(NoFields), required: false },
    answers: { '200': { description: 'The revoked key and the one that signs now.', content: json(R.KeyRevocation) } },
    refusals: [...ALWAYS, 'forbidden', ...BODY, 'precondition_failed', 'key_not_found', 'key_already_revoked'],
    refusalNotes: { ...bodyNotes, 404: 'No key has this id.', 409: 'The key is already revoked.' },
  },
} as const satisfies Record<string, Operation>;
