import { tokenStatus } from '../domain/labels.ts';
import type { Cluster, Label, Level } from '../domain/types.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { Database } from '../registry/database.ts';
import { write } from '../registry/writes.ts';
import type { Registry } from '../registry/registry.ts';
import { labelSdJwtVc, openBadgeCredential, type LabelStatement } from './statement.ts';
import type { StatusLists } from './status-lists.ts';

/** The two forms of the same statement, by their JOSE `typ`. */
export const CREDENTIAL_FORMATS = {
  'vc+jwt': { mediaType: 'application/vc+jwt', download: 'vc-jwt', extension: 'vc.jwt', name: 'W3C Verifiable Credential 2.0 (VC-JOSE-COSE), Open Badges 3.0 OpenBadgeCredential' },
  'dc+sd-jwt': { mediaType: 'application/dc+sd-jwt', download: 'sd-jwt-vc', extension: 'sd-jwt', name: 'SD-JWT VC' },
} as const;
export type CredentialFormat = keyof typeof CREDENTIAL_FORMATS;
/** Every format, in the order a cluster's credentials are issued and listed. */
export const FORMATS = Object.keys(CREDENTIAL_FORMATS) as CredentialFormat[];

export interface IssuedCredential {
  format: CredentialFormat;
  mediaType: string;
  credential: string;
  kid: string;
  issuedAt: string;
  expiresAt: string;
}

export interface CredentialOptions {
  publicUrl: string;
  issuerName: string;
  programmeName: string;
  now: () => Date;
}

/**
 * The label as verifiable credentials. Each is signed once and kept: a credential a
 * cluster downloaded stays the one we serve, and the key that signed it stays in the
 * JWKS until it expires (`signing_keys.publish_until`), even after a rotation.
 * Issued when first asked for: a held label without a usable credential of each
 * format — newly awarded, renewed, upgraded, or signed by a key since revoked —
 * gets one at the next call to `current`, in one write transaction, and keeps it.
 */
export class Credentials {
  readonly #database: Database;
  readonly #registry: Registry;
  readonly #keyring: Keyring;
  readonly #statusLists: StatusLists;
  readonly #options: CredentialOptions;

  constructor(database: Database, registry: Registry, keyring: Keyring, statusLists: StatusLists, options: CredentialOptions) {
    this.#database = database;
    this.#registry = registry;
    this.#keyring = keyring;
    this.#statusLists = statusLists;
    this.#options = options;
  }

  /** The cluster's credentials for its held label (none when it holds none); undefined for an unknown cluster. */
  async current(clusterId: string): Promise<IssuedCredential[] | undefined> {
    const cluster = await this.#registry.getCluster(clusterId);
    if (!cluster) return undefined;
    const label = await this.#registry.getCurrentLabel(clusterId);
    if (!label || tokenStatus(label, this.#options.now()) !== 'valid') return [];
    const kept = await this.#kept(label);
    if (FORMATS.every((format) => kept.has(format))) return FORMATS.map((format) => kept.get(format)!);
    return this.#issue(cluster, label);
  }

  /** The newest stored credential of each format for the label as it stands, signed by a key still usable. */
  async #kept(label: Label, db = this.#database.db): Promise<Map<CredentialFormat, IssuedCredential>> {
    const rows = await db
      .selectFrom('credentials')
      .select(['format', 'compact', 'kid', 'issued_at', 'expires_at'])
      .where('label_id', '=', label.id)
      .where('label_valid_until', '=', label.validUntil)
      .orderBy('id', 'desc')
      .execute();
    const kept = new Map<CredentialFormat, IssuedCredential>();
    for (const row of rows) {
      const format = row.format as CredentialFormat;
      if (kept.has(format) || !(format in CREDENTIAL_FORMATS) || !this.#keyring.isUsable(row.kid)) continue;
      kept.set(format, { format, mediaType: CREDENTIAL_FORMATS[format].mediaType, credential: row.compact, kid: row.kid, issuedAt: row.issued_at, expiresAt: row.expires_at });
    }
    return kept;
  }

  async #issue(cluster: Cluster, label: Label<Level>): Promise<IssuedCredential[]> {
    // Issuing changes nothing a badge or the register says: no audit entry, nothing to announce.
    return write(this.#database, this.#options.now, async ({ trx }) => {
      // Another request may have issued them while this one waited for the write lock.
      const kept = await this.#kept(label, trx);
      const status = await this.#statusLists.place(trx, label.id);
      const now = this.#options.now();
      const statement: LabelStatement = {
        issuer: { url: this.#options.publicUrl, name: this.#options.issuerName },
        programmeName: this.#options.programmeName,
        cluster,
        label,
        status,
        issuedAt: now,
      };
      const issued: IssuedCredential[] = [];
      for (const format of FORMATS) {
        const existing = kept.get(format);
        if (existing) {
          issued.push(existing);
          continue;
        }
        const payload = format === 'vc+jwt' ? openBadgeCredential(statement) : labelSdJwtVc(statement);
        const { token, kid } = this.#keyring.signToken(payload, format);
        // An SD-JWT with no disclosures and no key binding: the issuer's JWT and a closing `~`.
        const credential = format === 'dc+sd-jwt' ? `${token}~` : token;
        const expiresAt = new Date(payload.exp * 1000).toISOString();
        await trx
          .insertInto('credentials')
          .values({ label_id: label.id, format, label_valid_until: label.validUntil, kid, compact: credential, issued_at: now.toISOString(), expires_at: expiresAt })
          .execute();
        // The key stays published while this credential can be checked (ISO instants compare as text).
        await trx
          .updateTable('signing_keys')
          .set({ publish_until: expiresAt })
          .where('kid', '=', kid)
          .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '<', expiresAt)]))
          .execute();
        issued.push({ format, mediaType: CREDENTIAL_FORMATS[format].mediaType, credential, kid, issuedAt: now.toISOString(), expiresAt });
      }
      return issued;
    });
  }
}
