import { describe, expect, it } from 'vitest';
import {
  awaitsWithdrawal,
  checkRevocable,
  checkWithdrawable,
  eceiScheme,
  graceEnds,
  parseScheme,
  planAward,
  planRenewal,
  planUpgrade,
  type HeldLabel,
  type Scheme,
} from '../../server/domain/schemes.ts';

const ecei = eceiScheme({
  programmeName: 'Cluster Management Excellence Label',
  issuerName: 'European Secretariat for Cluster Analysis (ESCA)',
  validityMonths: { bronze: 24, silver: 24, gold: 24 },
  renewalMonths: { bronze: 36, silver: 24, gold: 24 },
});

/** A membership shaped like go-cluster's: three years, renewable in its last six months, no grace. */
const membership: Scheme = parseScheme({
  id: 'demo-network',
  kind: 'membership',
  name: { en: 'Well-Connected Clusters (demo programme)', de: 'Gut vernetzte Cluster (Demo-Programm)' },
  issuer: 'Demo Programme Office',
  levels: [{ id: 'member', name: { en: 'Member', de: 'Mitglied' }, validityMonths: 36, renewalMonths: 36, seal: { colour: '#1d5e8c', emblem: 'ring' } }],
  rules: { renewalWindowMonths: 6, graceMonths: 0 },
});

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);
const held = (level: string, validUntil: string, status: HeldLabel['status'] = 'valid'): HeldLabel => ({ level, validUntil, status, assessmentRef: 'A-1' });
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('a levelled scheme (the ECEI label, today’s rules)', () => {
  it('awards to the end of the month after its validity, and refuses a second valid label', () => {
    expect(planAward(ecei, undefined, { level: 'silver', awarded: '2026-02-10' }, at('2026-03-01'))).toEqual({
      level: 'silver',
      awarded: '2026-02-10',
      validUntil: '2028-02-29',
      assessmentRef: null,
    });
    expect(codeOf(() => planAward(ecei, held('bronze', '2027-01-31'), { level: 'gold' }, at('2026-03-01')))).toBe('label_already_held');
    expect(codeOf(() => planAward(ecei, undefined, { level: 'platinum' }, at('2026-03-01')))).toBe('unknown_level');
  });

  it('upgrades only upwards, and only a valid label', () => {
    expect(planUpgrade(ecei, held('bronze', '2027-01-31'), { level: 'gold', awarded: '2026-03-01' }, at('2026-03-01')).validUntil).toBe('2028-03-31');
    expect(codeOf(() => planUpgrade(ecei, held('gold', '2027-01-31'), { level: 'silver' }, at('2026-03-01')))).toBe('not_an_upgrade');
    expect(codeOf(() => planUpgrade(ecei, held('bronze', '2026-01-31'), { level: 'gold' }, at('2026-03-01')))).toBe('label_not_valid');
  });

  it('renews from the previous end at any time before it, and within a grace year after it', () => {
    expect(planRenewal(ecei, held('bronze', '2027-01-31'), {}, at('2026-03-01'))).toEqual({ validUntil: '2030-01-31', assessmentRef: 'A-1' });
    expect(planRenewal(ecei, held('silver', '2026-01-31'), {}, at('2027-01-31')).validUntil).toBe('2028-01-31');
    expect(graceEnds(ecei, held('silver', '2026-01-31'))).toBe('2027-01-31');
    expect(codeOf(() => planRenewal(ecei, held('silver', '2026-01-31'), {}, at('2027-02-01')))).toBe('grace_period_over');
    expect(awaitsWithdrawal(ecei, held('silver', '2026-01-31'), at('2027-02-01'))).toBe(true);
    expect(awaitsWithdrawal(ecei, held('silver', '2026-01-31'), at('2027-01-31'))).toBe(false);
  });

  it('revokes a valid or expired label, and withdraws only an expired one', () => {
    expect(checkRevocable(held('gold', '2027-01-31'), at('2026-03-01')).level).toBe('gold');
    expect(codeOf(() => checkRevocable(held('gold', '2027-01-31', 'revoked'), at('2026-03-01')))).toBe('label_already_revoked');
    expect(codeOf(() => checkWithdrawable(held('gold', '2027-01-31'), at('2026-03-01')))).toBe('label_not_expired');
    expect(checkWithdrawable(held('gold', '2026-01-31'), at('2026-03-01')).level).toBe('gold');
  });
});

describe('a membership scheme', () => {
  it('admits for its period, with one level and nothing to upgrade to', () => {
    expect(planAward(membership, undefined, { level: 'member', awarded: '2026-04-15' }, at('2026-05-01')).validUntil).toBe('2029-04-30');
    expect(codeOf(() => planUpgrade(membership, held('member', '2029-04-30'), { level: 'member' }, at('2026-05-01')))).toBe('no_levels_to_upgrade');
  });

  it('renews only within its window before the end, and never after it (no grace)', () => {
    expect(codeOf(() => planRenewal(membership, held('member', '2029-04-30'), {}, at('2028-10-29')))).toBe('renewal_too_early');
    expect(planRenewal(membership, held('member', '2029-04-30'), {}, at('2028-10-30')).validUntil).toBe('2032-04-30');
    expect(codeOf(() => planRenewal(membership, held('member', '2029-04-30'), {}, at('2029-05-01')))).toBe('grace_period_over');
    // Once expired, membership is admitted anew, not renewed.
    expect(planAward(membership, held('member', '2029-04-30'), { level: 'member' }, at('2029-05-01')).validUntil).toBe('2032-05-31');
  });
});

describe('a scheme from an admin', () => {
  const valid = {
    id: 'nordic',
    kind: 'levels',
    name: { en: 'Nordic Cluster Mark' },
    issuer: 'Nordic Office',
    levels: [{ id: 'one', name: { en: 'One' }, validityMonths: 12, renewalMonths: 12, seal: { colour: '#224466', emblem: 'check' } }],
    rules: { renewalWindowMonths: null, graceMonths: 3 },
  };
  const refusal = (change: (s: Record<string, any>) => void) => {
    const copy = structuredClone(valid) as Record<string, any>;
    change(copy);
    try {
      parseScheme(copy);
    } catch (error) {
      return (error as { code: string; message: string }).message;
    }
    return 'accepted';
  };

  it('is accepted whole when every field holds', () => {
    expect(parseScheme(valid).levels[0]!.seal).toEqual({ colour: '#224466', emblem: 'check' });
  });

  it.each([
    ['a slug with capitals', (s: Record<string, any>) => (s.id = 'Nordic'), /id/],
    ['an unknown kind', (s: Record<string, any>) => (s.kind = 'tiers'), /kind/],
    ['a membership with two levels', (s: Record<string, any>) => ((s.kind = 'membership'), s.levels.push({ ...s.levels[0], id: 'two' })), /exactly one/],
    ['the same level twice', (s: Record<string, any>) => s.levels.push(s.levels[0]), /twice/],
    ['no English name', (s: Record<string, any>) => (s.name = { de: 'Nordisch' }), /English/],
    ['a pale seal under white text', (s: Record<string, any>) => (s.levels[0].seal.colour = '#f0e060'), /contrast/],
    ['an emblem not of ours', (s: Record<string, any>) => (s.levels[0].seal.emblem = 'logo.png'), /emblem/],
    ['a bidi override in the issuer', (s: Record<string, any>) => (s.issuer = 'Nordic\u202eOffice'), /issuer/],
    ['a validity of 0 months', (s: Record<string, any>) => (s.levels[0].validityMonths = 0), /validityMonths/],
  ])('refuses %s', (_, change, message) => {
    expect(refusal(change)).toMatch(message);
  });
});
