import { randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { StatusList } from '@sd-jwt/jwt-status-list';
import { describe, expect, it } from 'vitest';
import { decodeStatusList, encodeStatusList, statusAt, StatusListError, type Bits } from '../../server/credentials/status-list.ts';

/** draft-ietf-oauth-status-list §4.1 (1-bit) and §4.2 (2-bit) examples: the statuses and the published `lst`. */
const VECTORS: Array<{ bits: Bits; lst: string; statuses: number[] }> = [
  { bits: 1, lst: 'eNrbuRgAAhcBXQ', statuses: [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1] },
  { bits: 2, lst: 'eNo76fITAAPfAgc', statuses: [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3] },
];

const unpack = (bytes: Uint8Array, bits: Bits, length: number) => Array.from({ length }, (_, i) => statusAt(bytes, bits, i));

describe('status list encoding (draft-ietf-oauth-status-list §4)', () => {
  for (const { bits, lst, statuses } of VECTORS) {
    it(`reads the draft's ${bits}-bit example and writes lists the second implementation reads the same`, () => {
      expect(unpack(decodeStatusList(lst), bits, statuses.length)).toEqual(statuses);
      const ours = encodeStatusList(Uint8Array.from(statuses), bits);
      // Compressed bytes may differ by encoder settings; what they hold may not.
      expect(Array.from(decodeStatusList(ours))).toEqual(Array.from(decodeStatusList(lst)));
      expect(StatusList.decompressStatusList(ours, bits).statusList.slice(0, statuses.length)).toEqual(statuses);
      expect(StatusList.decompressStatusList(lst, bits).statusList.slice(0, statuses.length)).toEqual(statuses);
    });
  }

  it('agrees with @sd-jwt/jwt-status-list on random lists of every width', () => {
    for (const bits of [1, 2, 4, 8] as Bits[]) {
      const statuses = Array.from({ length: 1000 }, () => randomInt(1 << bits));
      const theirs = new StatusList(statuses, bits).compressStatusList();
      expect(unpack(decodeStatusList(theirs), bits, statuses.length)).toEqual(statuses);
      expect(StatusList.decompressStatusList(encodeStatusList(Uint8Array.from(statuses), bits), bits).statusList.slice(0, 1000)).toEqual(statuses);
    }
  });

  it('refuses what is not a ZLIB list, and a list that inflates past 1 MiB', () => {
    expect(() => decodeStatusList('not base64!')).toThrow(StatusListError);
    expect(() => decodeStatusList(Buffer.from('plain bytes').toString('base64url'))).toThrow(StatusListError);
    const bomb = deflateSync(Buffer.alloc(4 << 20)).toString('base64url');
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => decodeStatusList(bomb)).toThrow(StatusListError);
    expect(statusAt(Uint8Array.of(0xff), 1, 8)).toBeUndefined();
    expect(statusAt(Uint8Array.of(0xff), 1, -1)).toBeUndefined();
  });

  it('keeps a list of 100,000 labels small (figures printed)', () => {
    const sizes: Record<string, number> = {};
    for (const share of [0, 0.001, 0.01, 0.1]) {
      const statuses = new Uint8Array(100_000);
      for (let i = 0; i < statuses.length; i++) if (Math.random() < share) statuses[i] = 1;
      sizes[`${share * 100} % invalid`] = encodeStatusList(statuses, 1).length;
    }
    console.log('lst of 100,000 one-bit entries, base64url characters:', sizes);
    expect(sizes['0 % invalid']).toBeLessThan(200);
    // Uncompressed, the list is 12,500 bytes (16,667 base64url characters).
    expect(sizes['10 % invalid']).toBeLessThan(16_667);
  });
});
