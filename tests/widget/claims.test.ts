import { describe, expect, test } from 'vitest';
import type { Verdict } from '../../widget/check.ts';
import { nextCheckIn, FIRST_RETRY, MAX_RETRY, RECHECK_LEAD } from '../../widget/schedule.ts';
import { checkClaims, CLOCK_TOLERANCE, isIsoDate, type AttestationClaims } from '../../widget/verify/claims.ts';
import { VerifyError, type VerifyCode } from '../../widget/verify/errors.ts';
import { decideState } from '../../widget/verify/state.ts';
import { stepResults } from '../../widget/view/steps.ts';
import { FakeIssuer } from './fake-issuer.ts';

const issuer = await FakeIssuer.create('https://label.example.org');
const header = { alg: 'ES256', typ: 'cluster-label+jwt', kid: 'k' };
const context = { issuer: issuer.origin, cluster: 'demo-silver', now: issuer.now };
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
type Patch = Parameters<FakeIssuer['claims']>[1];

function failure(patch: Patch, head: Record<string, unknown> = header): VerifyCode {
  try {
    checkClaims(head, bytes(issuer.claims('demo-silver', patch)), context);
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    expect(error.state).toBe('invalid');
    return error.code;
  }
  throw new Error('claims were accepted');
}

describe('claims layer', () => {
  test('accepts a correct attestation and returns its claims', () => {
    const claims = checkClaims(header, bytes(issuer.claims('demo-silver')), context);
    expect(claims.sub).toBe('demo-silver');
    expect(claims.label.level).toBe('silver');
  });

  test('typ, iss and sub must match exactly', () => {
    expect(failure({}, { ...header, typ: 'JWT' })).toBe('ERR_JWT_TYP');
    expect(failure({}, { alg: 'ES256', kid: 'k' })).toBe('ERR_JWT_TYP');
    expect(failure({ iss: 'https://label.example.org/' })).toBe('ERR_JWT_ISS');
    expect(failure({ iss: 'https://evil.example' })).toBe('ERR_JWT_ISS');
    expect(failure({ sub: 'demo-gold' })).toBe('ERR_JWT_SUB');
    expect(failure({ sub: 'DEMO-SILVER' })).toBe('ERR_JWT_SUB');
  });

  test(`time claims hold with ${CLOCK_TOLERANCE} s tolerance and no more`, () => {
    const now = Math.floor(issuer.now / 1000);
    expect(() => checkClaims(header, bytes(issuer.claims('demo-silver', { nbf: now + CLOCK_TOLERANCE, iat: now + CLOCK_TOLERANCE })), context)).not.toThrow();
    expect(failure({ nbf: now + CLOCK_TOLERANCE + 1 })).toBe('ERR_JWT_NBF');
    expect(failure({ iat: now + CLOCK_TOLERANCE + 1 })).toBe('ERR_JWT_IAT');
    expect(() => checkClaims(header, bytes(issuer.claims('demo-silver', { exp: now - CLOCK_TOLERANCE + 1 })), context)).not.toThrow();
    expect(failure({ exp: now - CLOCK_TOLERANCE })).toBe('ERR_JWT_EXP');
    expect(failure({ exp: String(now + 600) as unknown as number })).toBe('ERR_JWT_CLAIMS');
  });

  test('label status and level come from their lists; a level is needed unless none', () => {
    expect(failure({ label: { status: 'held' as never } })).toBe('ERR_JWT_CLAIMS');
    expect(failure({ label: { level: 'platinum' as never } })).toBe('ERR_JWT_CLAIMS');
    expect(failure({ label: { status: 'expired', level: undefined } })).toBe('ERR_JWT_CLAIMS');
    const none = issuer.claims('demo-silver', { label: { status: 'none' } }) as { label: Record<string, unknown> };
    none.label = { status: 'none' };
    expect(checkClaims(header, bytes(none), context).label.status).toBe('none');
  });

  test('dates are real YYYY-MM-DD days; a valid label needs its end date, and must not be past it', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2024-2-01', '2024-13-01', '20240201', '2024-02-01T00:00:00Z']) expect(isIsoDate(bad)).toBe(false);
    expect(failure({ label: { awarded: '2024-02-30' } })).toBe('ERR_JWT_CLAIMS');
    expect(failure({ label: { validUntil: undefined } })).toBe('ERR_JWT_CLAIMS');
    expect(failure({ label: { validUntil: '2025-06-14' } })).toBe('ERR_LABEL_ENDED');
    expect(() => checkClaims(header, bytes(issuer.claims('demo-silver', { label: { validUntil: '2025-06-15' } })), context)).not.toThrow();
    expect(failure({ label: { status: 'revoked', revokedAt: 'yesterday' } })).toBe('ERR_JWT_CLAIMS');
  });

  test('cluster.sites must be a list of exact origins', () => {
    for (const sites of [['https://www.example.org/'], ['https://www.example.org/path'], ['www.example.org'], 'https://www.example.org'] as never[]) {
      expect(failure({ cluster: { sites } })).toBe('ERR_JWT_CLAIMS');
    }
    expect(failure({ cluster: { name: '' } })).toBe('ERR_JWT_CLAIMS');
  });

  test('a payload that is not a JSON object is refused', () => {
    for (const payload of ['foo', '[]', 'null', '"x"']) {
      expect(() => checkClaims(header, bytes(payload), context)).toThrow(expect.objectContaining({ code: 'ERR_JWT_CLAIMS' }));
    }
  });
});

describe('state decision (steps 5–8)', () => {
  const claims = (status: string, sites = ['https://www.example.org']) =>
    ({ ...issuer.claims('x', { label: { status: status as never } }), cluster: { name: 'X', sites } }) as unknown as AttestationClaims;

  test('the origin is compared exactly, before the status', () => {
    expect(decideState(claims('valid'), 'https://www.example.org')).toBe('valid');
    for (const origin of ['https://example.org', 'http://www.example.org', 'https://www.example.org:444', 'null']) {
      expect(decideState(claims('valid'), origin)).toBe('mismatch');
      expect(decideState(claims('revoked'), origin)).toBe('mismatch');
    }
    expect(decideState(claims('valid', ['http://localhost:8788']), 'http://127.0.0.1:8788')).toBe('mismatch');
  });

  test('none is unknown; expired and revoked are themselves', () => {
    expect(decideState(claims('none'), 'https://www.example.org')).toBe('unknown');
    expect(decideState(claims('expired'), 'https://www.example.org')).toBe('expired');
    expect(decideState(claims('revoked'), 'https://www.example.org')).toBe('revoked');
  });
});

describe('schedule', () => {
  const verdict = (state: Verdict['state'], exp?: number): Verdict => ({
    state,
    claims: exp === undefined ? null : ({ exp } as AttestationClaims),
    code: null,
    kid: null,
    checkedAt: 0,
  });

  test('re-checks a verified token before it expires', () => {
    const now = 1_000_000_000_000;
    const exp = now / 1000 + 600;
    const delay = nextCheckIn(verdict('valid', exp), now, 0)!;
    expect(delay).toBe(600_000 - RECHECK_LEAD);
    expect(now + delay).toBeLessThan(exp * 1000);
    expect(nextCheckIn(verdict('revoked', exp), now, 0)).toBe(delay);
  });

  test('after unavailable the pauses grow and stop growing at the maximum', () => {
    const pauses = [1, 2, 3, 4, 10, 30].map((n) => nextCheckIn(verdict('unavailable'), 0, n)!);
    expect(pauses.slice(0, 4)).toEqual([FIRST_RETRY, FIRST_RETRY * 2, FIRST_RETRY * 4, FIRST_RETRY * 8]);
    expect(pauses.at(-1)).toBe(MAX_RETRY);
    expect(pauses.at(-2)).toBe(MAX_RETRY);
  });

  test('an invalid token or an unknown id is not re-checked', () => {
    expect(nextCheckIn(verdict('invalid'), 0, 0)).toBeNull();
    expect(nextCheckIn(verdict('unknown'), 0, 0)).toBeNull();
  });
});

describe('dialog steps', () => {
  const base: Verdict = { state: 'invalid', claims: null, code: null, kid: null, checkedAt: 0 };
  test('steps before the failure passed, the failing one failed, the rest were not checked', () => {
    expect(stepResults({ ...base, code: 'ERR_JWT_EXP' })).toEqual({
      signature: 'passed',
      issuer: 'passed',
      cluster: 'passed',
      validity: 'failed',
      freshness: 'skipped',
      website: 'skipped',
    });
    expect(stepResults({ ...base, code: 'ERR_JWS_SIGNATURE' }).signature).toBe('failed');
    expect(Object.values(stepResults({ ...base, state: 'unavailable', code: 'ERR_TIMEOUT' }))).toEqual(Array(6).fill('skipped'));
  });
});
