import { deflateSync, inflateSync } from 'node:zlib';

/**
 * The Token Status List's list (draft-ietf-oauth-status-list §4): one status of
 * `bits` bits per referenced token, packed from the least significant bit of each
 * byte up, compressed with DEFLATE in the ZLIB data format (RFC 1950) and
 * base64url-encoded without padding as `lst`. Nothing else here knows the bytes.
 */

/** Status values the draft registers (§7.1). The office never suspends a label, so SUSPENDED (0x02) is not used. */
export const STATUS_VALID = 0x00;
export const STATUS_INVALID = 0x01;

export type Bits = 1 | 2 | 4 | 8;
export const isBits = (value: unknown): value is Bits => value === 1 || value === 2 || value === 4 || value === 8;

/** A list read from a token is decompressed to at most this many bytes: a few kilobytes may not inflate into gigabytes. */
export const MAX_LIST_BYTES = 1 << 20;

export class StatusListError extends Error {
  readonly code = 'status_list_malformed';
}

/** `lst` for `statuses` (one number per index, each below 2^bits). */
export function encodeStatusList(statuses: Uint8Array, bits: Bits): string {
  const perByte = 8 / bits;
  const bytes = new Uint8Array(Math.ceil(statuses.length / perByte));
  statuses.forEach((status, index) => {
    if (status >= 1 << bits) throw new RangeError(`Status ${status} at index ${index} does not fit in ${bits} bits.`);
    bytes[Math.floor(index / perByte)]! |= status << ((index % perByte) * bits);
  });
  return deflateSync(bytes, { level: 9 }).toString('base64url');
}

/** The packed bytes of `lst`; throws `StatusListError` on anything that is not a ZLIB stream in base64url. */
export function decodeStatusList(lst: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(lst)) throw new StatusListError('The list is not base64url text.');
  try {
    return new Uint8Array(inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: MAX_LIST_BYTES }));
  } catch {
    throw new StatusListError(`The list is not ZLIB-compressed data of at most ${MAX_LIST_BYTES} bytes.`);
  }
}

/** The status at `index` in the packed `bytes`, or undefined past the list's end. */
export function statusAt(bytes: Uint8Array, bits: Bits, index: number): number | undefined {
  const perByte = 8 / bits;
  const byte = bytes[Math.floor(index / perByte)];
  if (byte === undefined || !Number.isInteger(index) || index < 0) return undefined;
  return (byte >> ((index % perByte) * bits)) & ((1 << bits) - 1);
}
