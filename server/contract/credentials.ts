import * as z from 'zod';
import { CREDENTIAL_FORMATS, FORMATS } from '../credentials/credentials.ts';
import { LEVELS } from '../domain/types.ts';
import { AnyObject, clusterIdParameter, json, pathParameter, type Answer, type Operation } from './operation.ts';
import { RESPONSES as R } from './responses.ts';

/*
 * The credential routes (docs/credentials.md): status lists, verifiable credentials and
 * their verification, as the OpenAPI document describes them.
 */

const token = (mediaType: string, description: string): Answer => ({ description, content: { [mediaType]: 'text' } });

/** What `/v1/verify` reads from a JSON body: other fields are passed over. */
export const VerifyInput = z.object({ credential: z.string() });

export const CREDENTIALS = {
  statusLists: {
    method: 'get',
    path: '/v1/status-lists',
    tag: 'public',
    cors: true,
    summary: 'Status List Aggregation: the address of every status list',
    description: 'For relying parties that keep every list (offline verification). CORS `*`.',
    answers: { '200': { description: '`status_lists`: the URIs.', content: json(z.strictObject({ status_lists: z.array(z.string()) })) } },
  },
  statusList: {
    method: 'get',
    path: '/v1/status-lists/{list}',
    tag: 'public',
    cors: true,
    summary: 'A status list token (draft-ietf-oauth-status-list)',
    description: 'A JWT (`typ: statuslist+jwt`, ES256): `status_list` {bits: 1, lst, aggregation_uri}, `sub`, `iat`, `exp`, `ttl`. Entry 0x00 valid, 0x01 invalid. CORS `*`.',
    parameters: [pathParameter('list', z.string().regex(/^[1-9][0-9]*$/))],
    answers: { '200': token('application/statuslist+jwt', 'The signed list.') },
    refusals: ['status_list_not_found'],
    refusalNotes: { 404: 'No such list.' },
  },
  clusterCredentials: {
    method: 'get',
    path: '/v1/clusters/{id}/credentials',
    tag: 'public',
    cors: true,
    summary: 'The cluster’s current verifiable credentials',
    description: 'The held label as an Open Badges 3.0 credential (VC-JOSE-COSE) and as an SD-JWT VC. CORS `*`.',
    parameters: [clusterIdParameter],
    answers: { '200': { description: 'The credentials.', content: json(R.ClusterCredentials) } },
    refusals: ['cluster_not_found'],
    refusalNotes: { 404: 'No cluster has this id.' },
  },
  credential: {
    method: 'get',
    path: '/v1/clusters/{id}/credentials/{format}',
    tag: 'public',
    cors: true,
    summary: 'One current credential, as a file',
    parameters: [clusterIdParameter, pathParameter('format', z.enum(FORMATS.map((format) => CREDENTIAL_FORMATS[format].download)))],
    answers: { '200': { description: 'The compact credential.', content: { 'application/vc+jwt': 'text', 'application/dc+sd-jwt': 'text' } } },
    refusals: ['cluster_not_found', 'credential_format_not_found', 'credential_not_found'],
    refusalNotes: { 404: 'No such cluster or format, or no valid label.' },
  },
  issuer: {
    method: 'get',
    path: '/v1/issuer',
    tag: 'public',
    summary: 'The issuer’s Open Badges 3.0 Profile',
    answers: { '200': { description: 'The profile.', content: json(AnyObject) } },
  },
  achievement: {
    method: 'get',
    path: '/v1/issuer/achievements/{level}',
    tag: 'public',
    cors: true,
    summary: 'A level as an Open Badges 3.0 Achievement, with its criteria',
    parameters: [pathParameter('level', z.enum(LEVELS))],
    answers: { '200': { description: 'The achievement.', content: json(AnyObject) } },
    refusals: ['achievement_not_found'],
    refusalNotes: { 404: 'No such level.' },
  },
  typeMetadata: {
    method: 'get',
    path: '/v1/credential-types/label',
    tag: 'public',
    summary: 'SD-JWT VC Type Metadata of the label’s `vct`',
    answers: { '200': { description: 'The type metadata.', content: json(AnyObject) } },
  },
  issuerMetadata: {
    method: 'get',
    path: '/.well-known/jwt-vc-issuer',
    tag: 'public',
    summary: 'SD-JWT VC issuer metadata: where the keys are',
    answers: { '200': { description: '`issuer` and `jwks_uri`.', content: json(z.strictObject({ issuer: z.string(), jwks_uri: z.string() })) } },
  },
  verify: {
    method: 'post',
    path: '/v1/verify',
    tag: 'public',
    summary: 'Verify a credential, attestation or status list token of this issuer',
    description: 'Signature, issuer, validity and status today, in plain words. A token that fails a check is a 200 report with that check’s code.',
    body: {
      content: { ...json(VerifyInput), 'text/plain': 'text' },
      required: true,
      example: { credential: 'eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCIsImtpZCI6Ii4uLiJ9.…' },
    },
    answers: { '200': { description: 'The report.', content: json(R.VerifyReport) } },
    refusals: ['input_empty', 'input_unreadable', 'input_too_large', 'token_type_unsupported', 'body_invalid', 'payload_too_large', 'unsupported_media_type'],
    refusalNotes: { 400: 'Not a token this issuer signs.', 413: 'The body is too large.', 415: 'Neither JSON nor a token media type.' },
  },
} as const satisfies Record<string, Operation>;
