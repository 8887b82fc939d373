import { randomUUID } from 'node:crypto';
import { endOfDay } from '../domain/dates.ts';
import type { Cluster, Label, Level } from '../domain/types.ts';
import { fullLabelName } from '../routes/pages/i18n.ts';

/** What both credential formats say: one cluster holds one label, from the register's own records. */
export interface LabelStatement {
  issuer: { url: string; name: string };
  programmeName: string;
  cluster: Pick<Cluster, 'id' | 'name'>;
  label: Pick<Label<Level>, 'level' | 'awarded' | 'validUntil'>;
  /** The label's entry in a status list (draft-ietf-oauth-status-list §6.1). */
  status: { idx: number; uri: string };
  issuedAt: Date;
}

/** What each level is awarded after: the achievement's criteria. */
export const LEVEL_CRITERIA: Record<Level, string> = {
  bronze: 'A benchmarking of the cluster management organisation: an interview on 36 indicators.',
  silver: 'A second benchmarking, documented improvements since the first, and an audit.',
  gold: 'An assessment of the cluster management organisation with a score of at least 80 %.',
};

/** The stable addresses a credential names; each answers with JSON. */
export const issuerProfileUrl = (publicUrl: string) => `${publicUrl}/v1/issuer`;
export const achievementUrl = (publicUrl: string, level: Level) => `${publicUrl}/v1/issuer/achievements/${level}`;
export const credentialTypeUrl = (publicUrl: string) => `${publicUrl}/v1/credential-types/label`;
export const clusterPageUrl = (publicUrl: string, clusterId: string) => `${publicUrl}/clusters/${clusterId}`;

/**
 * The credential ends with the label: through its last day, UTC (the last second
 * of it, so that the date a person reads is the label's own last day).
 */
export const lastSecond = (label: Pick<Label, 'validUntil'>) => Math.floor(endOfDay(label.validUntil).getTime() / 1000) - 1;

/** The Open Badges 3.0 Achievement for a level: the same document the achievement's address serves. */
export function achievement(publicUrl: string, programmeName: string, level: Level) {
  return {
    id: achievementUrl(publicUrl, level),
    type: ['Achievement'],
    achievementType: 'Certification',
    name: fullLabelName(programmeName, level),
    description: `The ${level} level of the ${programmeName}, awarded to cluster management organisations.`,
    criteria: { narrative: LEVEL_CRITERIA[level] },
  };
}

/** The issuer as an Open Badges 3.0 Profile, served at its own address. */
export function issuerProfile(issuer: LabelStatement['issuer']) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: issuerProfileUrl(issuer.url),
    type: ['Profile'],
    name: issuer.name,
    url: issuer.url,
  };
}

/**
 * The payload of the VC-JOSE-COSE credential: a W3C Verifiable Credential 2.0
 * shaped as an Open Badges 3.0 OpenBadgeCredential. The JWT claims `iss`, `sub`,
 * `iat`, `nbf`, `exp` and `jti` repeat what the credential says, for JWT libraries.
 */
export function openBadgeCredential(statement: LabelStatement) {
  const { issuer, cluster, label, status } = statement;
  const iat = Math.floor(statement.issuedAt.getTime() / 1000);
  const exp = lastSecond(label);
  const id = `urn:uuid:${randomUUID()}`;
  const subject = clusterPageUrl(issuer.url, cluster.id);
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: fullLabelName(statement.programmeName, label.level),
    issuer: { id: issuerProfileUrl(issuer.url), type: ['Profile'], name: issuer.name, url: issuer.url },
    validFrom: isoSeconds(iat),
    validUntil: isoSeconds(exp),
    awardedDate: `${label.awarded}T00:00:00Z`,
    credentialSubject: {
      id: subject,
      type: ['AchievementSubject'],
      name: cluster.name,
      achievement: achievement(issuer.url, statement.programmeName, label.level),
    },
    status: { status_list: status },
    iss: issuerProfileUrl(issuer.url),
    sub: subject,
    jti: id,
    iat,
    nbf: iat,
    exp,
  };
}

/**
 * The payload of the SD-JWT VC: the same statement in plain claims. Nothing is
 * selectively disclosable — every claim is public in the register — and there is no
 * `cnf`: the cluster holds no key, the credential is a public statement about it.
 */
export function labelSdJwtVc(statement: LabelStatement) {
  const { issuer, cluster, label, status } = statement;
  const iat = Math.floor(statement.issuedAt.getTime() / 1000);
  return {
    iss: issuer.url,
    vct: credentialTypeUrl(issuer.url),
    sub: clusterPageUrl(issuer.url, cluster.id),
    iat,
    nbf: iat,
    exp: lastSecond(label),
    cluster: { id: cluster.id, name: cluster.name },
    label: {
      programme: statement.programmeName,
      level: label.level,
      name: fullLabelName(statement.programmeName, label.level),
      criteria: LEVEL_CRITERIA[label.level],
      awarded: label.awarded,
      validUntil: label.validUntil,
    },
    status: { status_list: status },
  };
}

/** SD-JWT VC Type Metadata for the `vct`, served at the `vct` itself. */
export function credentialType(publicUrl: string, programmeName: string) {
  return {
    vct: credentialTypeUrl(publicUrl),
    name: programmeName,
    description: `A cluster management organisation holds the ${programmeName} at the level named in the credential, until the date named in it, unless its status list entry says otherwise.`,
  };
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
