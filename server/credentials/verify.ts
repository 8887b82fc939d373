import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors } from 'jose';
import { ATTESTATION_TYP } from '../domain/claims.ts';
import { tokenStatus } from '../domain/labels.ts';
import { fail as refusal } from '../errors.ts';
import { CLOCK_TOLERANCE, type Keyring } from '../keys/keyring.ts';
import type { Registry } from '../registry/registry.ts';
import { credentialTypeUrl, issuerProfileUrl } from './statement.ts';
import { decodeStatusList, isBits, statusAt, STATUS_INVALID, STATUS_VALID, StatusListError } from './status-list.ts';
import { LIST_CAPACITY, STATUS_LIST_TYP, type StatusLists } from './status-lists.ts';

/** The largest input `verify` reads: a credential is about 2 KiB, a full status list token under 20 KiB. */
export const MAX_VERIFY_BYTES = 65_536;

const KINDS = {
  'vc+jwt': 'Open Badges 3.0 credential (W3C VC 2.0, JWT)',
  'dc+sd-jwt': 'SD-JWT VC',
  [ATTESTATION_TYP]: 'label attestation (the badge’s token)',
  [STATUS_LIST_TYP]: 'status list token',
} as const;
export type VerifiedFormat = keyof typeof KINDS;

/** Whether a token's `typ` is one this issuer signs (its own keys only: `toString` is no format). */
const isVerifiedFormat = (typ: unknown): typ is VerifiedFormat => typeof typ === 'string' && Object.hasOwn(KINDS, typ);

/** A check that passed (`true`), failed (`false`), or could not run (`null`), in words. */
export interface Check {
  ok: boolean | null;
  text: string;
}

export interface VerifyReport {
  format: VerifiedFormat;
  kind: string;
  /** `valid`, or the first problem found: a stable code. */
  code: string;
  verdict: 'valid' | 'not_valid';
  summary: string;
  signature: Check;
  issuer: Check;
  validity: Check;
  status: Check;
  /** What the token says, once its signature verified. */
  claims: Record<string, unknown> | null;
}

/** Header parameters that would let a token choose its own key or change how it is read. */
const REFUSED_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64'];

const notRun = (text: string): Check => ({ ok: null, text });
const pass = (text: string): Check => ({ ok: true, text });
const fail = (text: string): Check => ({ ok: false, text });

type Claims = Record<string, unknown>;
const isObject = (value: unknown): value is Claims => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks anything this issuer signs — either credential format, an attestation, a
 * status list token — against its published keys and its registry today, and says
 * in plain words what holds. Input that is not a token of ours at all is an
 * `LabelError` (400); a token that fails a check is a report with that check's code.
 */
export class Verifier {
  readonly #keyring: Keyring;
  readonly #statusLists: StatusLists;
  readonly #registry: Registry;
  readonly #options: { publicUrl: string; issuerName: string; now: () => Date };

  constructor(keyring: Keyring, statusLists: StatusLists, registry: Registry, options: { publicUrl: string; issuerName: string; now: () => Date }) {
    this.#keyring = keyring;
    this.#statusLists = statusLists;
    this.#registry = registry;
    this.#options = options;
  }

  async verify(input: string): Promise<VerifyReport> {
    const text = input.trim();
    if (text === '') throw refusal('input_empty');
    if (Buffer.byteLength(text) > MAX_VERIFY_BYTES) throw refusal('input_too_large', { bytes: MAX_VERIFY_BYTES });
    // Splitting text always gives a first part: the compact JWS (an SD-JWT's disclosures follow).
    const [jws = '', ...rest] = text.split('~');
    let header: Claims;
    try {
      header = decodeProtectedHeader(jws);
    } catch {
      throw refusal('input_unreadable');
    }
    const format = header.typ;
    if (!isVerifiedFormat(format)) throw refusal('token_type_unsupported', { types: Object.keys(KINDS) });
    return this.#check(format, jws, header, rest);
  }

  async #check(format: VerifiedFormat, jws: string, header: Claims, sdParts: string[]): Promise<VerifyReport> {
    const report = (code: string, checks: Pick<VerifyReport, 'signature' | 'issuer' | 'validity' | 'status'>, claims: Claims | null, summary: string): VerifyReport => ({
      format,
      kind: KINDS[format],
      code,
      verdict: code === 'valid' ? 'valid' : 'not_valid',
      summary,
      ...checks,
      claims,
    });
    const skipped = notRun('Not checked: the signature did not verify.');
    const refuse = (code: string, text: string) => report(code, { signature: fail(text), issuer: skipped, validity: skipped, status: skipped }, null, `Do not rely on this ${KINDS[format]}: ${lowerFirst(text)}`);

    if (format === 'dc+sd-jwt' ? sdParts.length !== 1 || sdParts[0] !== '' : sdParts.length !== 0) {
      return refuse('token_form_unexpected', 'It carries disclosures or a key binding that this issuer never adds, or lacks the closing “~” of an SD-JWT.');
    }
    // A signature's last base64url character has spare bits: one token, one spelling.
    if (jws.split('.').some((segment) => Buffer.from(segment, 'base64url').toString('base64url') !== segment)) {
      return refuse('token_form_unexpected', 'It is not in the one canonical base64url form this issuer writes.');
    }
    if (header.alg !== 'ES256') return refuse('algorithm_not_allowed', 'It is not signed with ES256, the only algorithm this issuer uses.');
    if (REFUSED_HEADERS.some((name) => name in header)) return refuse('header_not_allowed', 'Its header tries to name its own key or change how it is read.');

    let claims: Claims;
    try {
      const { payload } = await compactVerify(jws, createLocalJWKSet(this.#keyring.jwks()), { algorithms: ['ES256'] });
      const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
      if (!isObject(parsed)) return refuse('claims_malformed', 'Its signed content is not a JSON object.');
      claims = parsed;
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return refuse('key_unknown', 'It names a signing key this issuer does not publish (any more).');
      if (error instanceof SyntaxError || error instanceof TypeError) return refuse('claims_malformed', 'Its signed content is not JSON.');
      return refuse('signature_invalid', 'The signature does not match the content: it was altered, or not signed by this issuer.');
    }
    const signature = pass(`Signed by ${this.#options.issuerName} with the published key ${String(header.kid)}.`);

    const expectedIssuer = format === 'vc+jwt' ? issuerProfileUrl(this.#options.publicUrl) : this.#options.publicUrl;
    const claimedIssuer = format === 'vc+jwt' && isObject(claims.issuer) ? claims.issuer.id : claims.iss;
    const issuerOk = claims.iss === expectedIssuer && claimedIssuer === expectedIssuer && (format !== 'dc+sd-jwt' || claims.vct === credentialTypeUrl(this.#options.publicUrl));
    const issuer = issuerOk ? pass(`Issued by ${this.#options.issuerName} (${expectedIssuer}).`) : fail(`It does not name this issuer (${expectedIssuer}) as its issuer${format === 'dc+sd-jwt' ? ', or not its credential type' : ''}.`);

    const validity = this.#validity(claims);
    const status = await this.#status(format, claims);
    const checks: Array<[Check, string]> = [
      [signature, 'signature_invalid'],
      [issuer, 'issuer_mismatch'],
      [validity.check, validity.code],
      [status.check, status.code],
    ];
    const failed = checks.find(([check]) => check.ok === false);
    const code = failed ? failed[1] : 'valid';
    const summary = failed ? `Do not rely on this ${KINDS[format]}: ${lowerFirst(failed[0].text)}` : `This ${KINDS[format]} is genuine and in force: ${lowerFirst(status.check.text)}`;
    return report(code, { signature, issuer, validity: validity.check, status: status.check }, claims, summary);
  }

  #validity(claims: Claims): { check: Check; code: string } {
    const now = this.#options.now().getTime() / 1000;
    const { nbf, iat, exp } = claims;
    const from = typeof nbf === 'number' ? nbf : iat;
    if (typeof exp !== 'number' || typeof from !== 'number') return { check: fail('It does not say when it is valid (no exp, iat or nbf).'), code: 'validity_missing' };
    const span = `from ${instant(from)} until ${instant(exp)}`;
    if (from > now + CLOCK_TOLERANCE) return { check: fail(`It is not valid yet: valid ${span}.`), code: 'not_yet_valid' };
    if (exp <= now - CLOCK_TOLERANCE) return { check: fail(`It has expired: it was valid ${span}.`), code: 'expired' };
    return { check: pass(`Valid ${span}.`), code: 'valid' };
  }

  async #status(format: VerifiedFormat, claims: Claims): Promise<{ check: Check; code: string }> {
    if (format === STATUS_LIST_TYP) return this.#listStatus(claims);
    if (format === ATTESTATION_TYP) return this.#attestationStatus(claims);
    const reference = isObject(claims.status) && isObject(claims.status.status_list) ? claims.status.status_list : undefined;
    const list = typeof reference?.uri === 'string' ? this.#statusLists.listOf(reference.uri) : undefined;
    const idx = reference?.idx;
    if (list === undefined || typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= LIST_CAPACITY) {
      return { check: fail('It carries no status list entry of this issuer.'), code: 'status_reference_missing' };
    }
    const signed = await this.#statusLists.signed(list);
    const value = signed?.statuses[idx];
    if (value === STATUS_VALID) return { check: pass(`The issuer’s status list ${list} says it stands (entry ${idx}: valid).`), code: 'valid' };
    if (value === STATUS_INVALID) {
      return { check: fail(`The issuer has withdrawn it: status list ${list}, entry ${idx}, says invalid — the label was revoked, withdrawn, or replaced by another level.`), code: 'status_invalid' };
    }
    return { check: fail(`The issuer has no status list ${list}.`), code: 'status_reference_missing' };
  }

  async #attestationStatus(claims: Claims): Promise<{ check: Check; code: string }> {
    const label = isObject(claims.label) ? claims.label : {};
    const id = typeof claims.sub === 'string' ? claims.sub : '';
    const subject = id ? await this.#registry.getAttestationSubject(id) : undefined;
    if (!subject) return { check: fail('It names a cluster that is not in the register.'), code: 'cluster_not_found' };
    const today = tokenStatus(subject.label && { status: subject.label.status, validUntil: subject.label.validUntil }, this.#options.now());
    const said = label.status === 'expired' || label.status === 'revoked' || label.status === 'none' ? label.status : undefined;
    if (said) return { check: fail(`It says the label is ${said}, not valid.`), code: `label_${said}` };
    if (label.status !== 'valid') return { check: fail('It does not say how the label stands.'), code: 'claims_malformed' };
    if (today !== 'valid') return { check: fail(`It said the label was valid, but the register now says ${today}.`), code: `label_${today}` };
    return { check: pass(`The register says today that ${subject.cluster.name} holds a valid label.`), code: 'valid' };
  }

  async #listStatus(claims: Claims): Promise<{ check: Check; code: string }> {
    const list = typeof claims.sub === 'string' ? this.#statusLists.listOf(claims.sub) : undefined;
    const body = isObject(claims.status_list) ? claims.status_list : {};
    if (list === undefined || !isBits(body.bits) || typeof body.lst !== 'string') return { check: fail('It is not one of this issuer’s status lists (sub, bits or lst).'), code: 'status_list_malformed' };
    let bytes: Uint8Array;
    try {
      bytes = decodeStatusList(body.lst);
    } catch (error) {
      if (error instanceof StatusListError) return { check: fail(error.message), code: error.code };
      throw error;
    }
    const current = await this.#statusLists.signed(list);
    if (!current) return { check: fail(`The issuer has no status list ${list}.`), code: 'status_list_malformed' };
    let invalidCount = 0;
    let differs = false;
    for (let idx = 0; idx < LIST_CAPACITY; idx++) {
      const value = statusAt(bytes, body.bits, idx);
      if (value === STATUS_INVALID) invalidCount++;
      if ((value ?? -1) !== current.statuses[idx]) differs = true;
    }
    if (differs) return { check: fail(`Status list ${list} has changed since this copy was signed; fetch it again.`), code: 'status_list_outdated' };
    return { check: pass(`It is status list ${list} as it stands now: ${invalidCount} of ${LIST_CAPACITY} entries invalid.`), code: 'valid' };
  }
}

const instant = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
