import { VerifyError } from './errors.ts';

const ALPHABET = /^[A-Za-z0-9_-]+$/;

export function encode(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded base64url and insists on the one canonical spelling: a string whose
 * unused trailing bits are set would decode to the same bytes as another string, and a
 * token must have exactly one form.
 */
export function decode(text: string): Uint8Array<ArrayBuffer> {
  if (!ALPHABET.test(text) || text.length % 4 === 1) throw new VerifyError('ERR_JWS_FORM');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (encode(bytes) !== text) throw new VerifyError('ERR_JWS_FORM');
  return bytes;
}
