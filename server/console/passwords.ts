import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fail } from '../errors.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';

/**
 * scrypt with N = 2^cost, r = 8, p = 1 and a 32-byte key. The default cost 15 is OWASP's
 * current floor for scrypt, about 32 MiB and some 100 ms a hash on one core — slow for a
 * guesser, bearable at sign-in; PASSWORD_HASH_COST lowers it for test suites only. The
 * parameters are stored in each hash, so they can be raised later without invalidating
 * existing passwords.
 */
export const DEFAULT_PASSWORD_COST = 15;
const paramsFor = (cost: number) => ({ N: 2 ** cost, r: 8, p: 1 });
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just too low for N = 2^15.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r * params.p };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

// Rows of a QWERTY keyboard and the digit and letter sequences, forwards; a run is also refused backwards.
const RUNS = ['1234567890-=', 'qwertyuiop[]', "asdfghjkl;'", 'zxcvbnm,./', 'abcdefghijklmnopqrstuvwxyz'];
const MIN_DISTINCT_CHARACTERS = 5;

/** Whether `text` is one keyboard or alphabet run, or a run repeated (`123412341234`). */
function isRun(text: string): boolean {
  for (let period = 1; period <= text.length; period++) {
    const unit = text.slice(0, period);
    if (unit.repeat(Math.ceil(text.length / period)).slice(0, text.length) !== text) continue;
    const reversed = [...unit].reverse().join('');
    if (unit.length >= 3 && RUNS.some((run) => run.includes(unit) || run.includes(reversed))) return true;
  }
  return false;
}

/**
 * Checks a new password: its length, and that it is neither a well-known password,
 * nor a keyboard run, nor a few characters repeated, nor the account's own e-mail
 * address. Throws `weak_password` naming the rule broken.
 */
export function checkNewPassword(password: string, email?: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw fail('weak_password', { rule: `have at least ${MIN_PASSWORD_LENGTH} characters` });
  if (password.length > MAX_PASSWORD_LENGTH) throw fail('weak_password', { rule: `have at most ${MAX_PASSWORD_LENGTH} characters` });
  const folded = password.normalize('NFC').toLowerCase();
  const compact = folded.replace(/\s+/g, '');
  if (new Set(compact).size < MIN_DISTINCT_CHARACTERS) throw fail('weak_password', { rule: `use at least ${MIN_DISTINCT_CHARACTERS} different characters besides spaces` });
  if (COMMON_PASSWORDS.has(compact) || isRun(compact)) throw fail('weak_password', { rule: 'not be a well-known password or a run of keys' });
  const address = email?.trim().toLowerCase();
  const localPart = address?.split('@')[0] ?? '';
  // The address, or its name before the @ making up half the password or more.
  if (address && (compact.includes(address) || (localPart.length > 0 && compact.includes(localPart) && localPart.length * 2 >= compact.length))) {
    throw fail('weak_password', { rule: 'not be the e-mail address' });
  }
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_COST): Promise<string> {
  checkNewPassword(password);
  const params = paramsFor(cost);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params, KEY_LENGTH);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key || password.length > MAX_PASSWORD_LENGTH) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash at `cost` that no password matches, verified against for unknown accounts so that
 * they take as long as known ones hashed at the same cost.
 */
export function dummyHash(cost = DEFAULT_PASSWORD_COST): string {
  const { N, r, p } = paramsFor(cost);
  return `scrypt$${N}$${r}$${p}$${Buffer.alloc(SALT_LENGTH).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;
}
