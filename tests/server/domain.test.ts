import { describe, expect, it } from 'vitest';
import { addMonths, addYears, endOfDay, endOfMonthAfter, isIsoDate } from '../../server/domain/dates.ts';
import { ClusterInput } from '../../server/contract/requests.ts';
import { parseWith } from '../../server/contract/refusals.ts';
import { parseSite } from '../../server/domain/clusters.ts';
import { tokenStatus } from '../../server/domain/labels.ts';
import { checkRevocable, checkWithdrawable, eceiScheme, effectiveStatus, graceEnds, planAward, planRenewal, planUpgrade } from '../../server/domain/schemes.ts';
import { buildClaims } from '../../server/domain/claims.ts';
import type { Label } from '../../server/domain/types.ts';
import { LabelError } from '../../server/errors.ts';

const ecei = eceiScheme({ programmeName: 'Label', issuerName: 'Issuer', validityMonths: { bronze: 24, silver: 24, gold: 24 }, renewalMonths: { bronze: 36, silver: 24, gold: 24 } });

function label(overrides: Partial<Label> = {}): Label {
  return { id: 1, clusterId: 'c', scheme: 'ecei', level: 'bronze', awarded: '2018-03-14', validUntil: '2020-03-31', status: 'valid', assessmentRef: null, revokedAt: null, publicReason: null, internalNote: null, changedAt: '2018-03-14T00:00:00Z', ...overrides };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LabelError);
    return (error as LabelError).code;
  }
  throw new Error('expected a LabelError');
}

describe('validity arithmetic', () => {
  it('counts whole months from the month of the assessment to its last day', () => {
    expect(endOfMonthAfter('2018-03-14', 24)).toBe('2020-03-31');
    expect(endOfMonthAfter('2013-04-02', 24)).toBe('2015-04-30');
    expect(endOfMonthAfter('2022-02-28', 24)).toBe('2024-02-29');
    expect(endOfMonthAfter('2023-12-01', 2)).toBe('2024-02-29');
  });

  it('rejects impossible dates', () => {
    for (const bad of ['2023-02-30', '2023-13-01', '2023-1-01', '20230101', '', null, 20230101, '2023-02-28T00:00:00Z']) {
      expect(isIsoDate(bad), String(bad)).toBe(false);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('holds a label through the end of its last day, UTC', () => {
    const l = label({ validUntil: '2020-03-31' });
    expect(endOfDay('2020-03-31').toISOString()).toBe('2020-04-01T00:00:00.000Z');
    expect(effectiveStatus(l, new Date('2020-03-31T23:59:59Z'))).toBe('valid');
    expect(effectiveStatus(l, new Date('2020-04-01T00:00:00Z'))).toBe('expired');
  });

  it('moves months and years without overflowing short months', () => {
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
  });

  it('ends the ECEI grace period twelve months on, the same day a year later, 29 February included', () => {
    expect(ecei.rules.graceMonths).toBe(12);
    let checked = 0;
    for (let day = Date.parse('2019-01-01'); day <= Date.parse('2029-12-31'); day += 86_400_000) {
      const validUntil = new Date(day).toISOString().slice(0, 10);
      expect(graceEnds(ecei, { validUntil }), validUntil).toBe(addYears(validUntil, 1));
      checked++;
    }
    expect(checked).toBe(4018);
    expect(graceEnds(ecei, { validUntil: '2028-02-29' })).toBe('2029-02-28');
  });
});

describe('label life', () => {
  const now = new Date('2019-06-01T12:00:00Z');

  it('awards with the configured period, or an explicit end', () => {
    expect(planAward(ecei, undefined, { level: 'silver', awarded: '2018-03-14' }, now)).toMatchObject({ validUntil: '2020-03-31' });
    expect(planAward(ecei, undefined, { level: 'gold', awarded: '2019-01-10', validUntil: '2021-06-30' }, now).validUntil).toBe('2021-06-30');
    expect(planAward(ecei, undefined, { level: 'gold' }, now).awarded).toBe('2019-06-01');
  });

  it('refuses an award over a valid label, a future assessment, an end before the assessment', () => {
    expect(codeOf(() => planAward(ecei, label(), { level: 'gold' }, now))).toBe('label_already_held');
    expect(codeOf(() => planAward(ecei, undefined, { level: 'gold', awarded: '2019-06-02' }, now))).toBe('awarded_in_future');
    expect(codeOf(() => planAward(ecei, undefined, { level: 'gold', awarded: '2019-01-01', validUntil: '2019-01-01' }, now))).toBe('valid_until_before_awarded');
  });

  it('awards anew after an expired, revoked or withdrawn label', () => {
    for (const status of ['expired', 'revoked', 'withdrawn'] as const) {
      expect(planAward(ecei, label({ status }), { level: 'bronze' }, now).level).toBe('bronze');
    }
  });

  it('upgrades only to a higher level of a valid label', () => {
    expect(planUpgrade(ecei, label(), { level: 'silver' }, now).level).toBe('silver');
    expect(codeOf(() => planUpgrade(ecei, label({ level: 'silver' }), { level: 'bronze' }, now))).toBe('not_an_upgrade');
    expect(codeOf(() => planUpgrade(ecei, label({ level: 'silver' }), { level: 'silver' }, now))).toBe('not_an_upgrade');
    expect(codeOf(() => planUpgrade(ecei, undefined, { level: 'gold' }, now))).toBe('no_current_label');
    expect(codeOf(() => planUpgrade(ecei, label({ status: 'revoked' }), { level: 'gold' }, now))).toBe('label_not_valid');
  });

  it('renews from the previous end, not from today, before expiry and in the grace year', () => {
    // Bronze renewal: three years from the previous end.
    expect(planRenewal(ecei, label(), {}, now).validUntil).toBe('2023-03-31');
    const inGrace = new Date('2021-03-31T12:00:00Z');
    expect(effectiveStatus(label(), inGrace)).toBe('expired');
    expect(planRenewal(ecei, label(), {}, inGrace).validUntil).toBe('2023-03-31');
    expect(graceEnds(ecei, label())).toBe('2021-03-31');
    expect(codeOf(() => planRenewal(ecei, label(), {}, new Date('2021-04-01T00:00:00Z')))).toBe('grace_period_over');
    expect(planRenewal(ecei, label({ level: 'silver' }), {}, now).validUntil).toBe('2022-03-31');
  });

  it('refuses to renew a revoked or withdrawn label, or to an earlier end', () => {
    expect(codeOf(() => planRenewal(ecei, label({ status: 'revoked' }), {}, now))).toBe('label_not_renewable');
    expect(codeOf(() => planRenewal(ecei, label({ status: 'withdrawn' }), {}, now))).toBe('label_not_renewable');
    expect(codeOf(() => planRenewal(ecei, label(), { validUntil: '2020-03-31' }, now))).toBe('valid_until_not_later');
  });

  it('withdraws only expired labels and revokes only held ones', () => {
    expect(codeOf(() => checkWithdrawable(label(), now))).toBe('label_not_expired');
    expect(checkWithdrawable(label(), new Date('2022-01-01T00:00:00Z')).id).toBe(1);
    expect(codeOf(() => checkWithdrawable(label({ status: 'withdrawn' }), now))).toBe('label_already_withdrawn');
    expect(codeOf(() => checkRevocable(label({ status: 'revoked' }), now))).toBe('label_already_revoked');
  });

  it('tells a token the status it may state', () => {
    expect(tokenStatus(undefined, now)).toBe('none');
    expect(tokenStatus(label(), now)).toBe('valid');
    expect(tokenStatus(label({ status: 'withdrawn' }), now)).toBe('expired');
    expect(tokenStatus(label({ status: 'revoked' }), now)).toBe('revoked');
    expect(tokenStatus(label(), new Date('2020-04-01T00:00:00Z'))).toBe('expired');
  });
});

describe('cluster input', () => {
  const base = { id: 'nordlicht-photonics', name: 'Nordlicht', country: 'de', sites: ['https://www.example.org'] };

  it('accepts a well-formed cluster and normalises the country', () => {
    expect(parseWith(ClusterInput, base)).toMatchObject({ id: 'nordlicht-photonics', country: 'DE', contactEmail: null });
  });

  it.each([
    [{ id: 'Upper' }, 'invalid_cluster_id'],
    [{ id: '../etc' }, 'invalid_cluster_id'],
    [{ id: 'a-' }, 'invalid_cluster_id'],
    [{ name: '' }, 'missing_field'],
    [{ name: 'x'.repeat(201) }, 'invalid_field'],
    [{ name: 'bell\u0007' }, 'invalid_field'],
    [{ name: 42 }, 'invalid_field'],
    [{ country: 'Germany' }, 'invalid_country'],
    [{ sites: 'https://a.example' }, 'invalid_field'],
    [{ sites: ['https://www.example.org/'] }, 'invalid_origin'],
    [{ sites: ['https://www.example.org/path'] }, 'invalid_origin'],
    [{ sites: ['HTTPS://WWW.EXAMPLE.ORG'] }, 'invalid_origin'],
    [{ sites: ['javascript:alert(1)'] }, 'invalid_origin'],
    [{ contactEmail: 'not-an-address' }, 'invalid_email'],
  ])('refuses %j with %s', (patch, code) => {
    expect(codeOf(() => parseWith(ClusterInput, { ...base, ...patch }))).toBe(code);
  });

  it('keeps www and the bare domain apart', () => {
    expect(parseSite('https://example.org')).toBe('https://example.org');
    expect(parseSite('https://www.example.org')).toBe('https://www.example.org');
    expect(parseSite('http://localhost:8788')).toBe('http://localhost:8788');
  });
});

describe('token claims', () => {
  it('gives every token a fresh 128-bit jti, across the draws of random bytes', () => {
    const subject = { cluster: { id: 'c', name: 'C', sites: [] }, label: undefined };
    const ids = Array.from({ length: 1000 }, () => buildClaims(subject, new Date('2026-06-15T10:00:00Z'), { issuer: 'https://issuer.test', ttl: 600 }).jti);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
  });
});
