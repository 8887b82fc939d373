import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../server/attest/token-cache.ts';

const NOW = 1_000;
const LATER = NOW + 600;

describe('token cache', () => {
  it('keeps at most its number of entries, dropping the oldest one nobody asked for', () => {
    const cache = new TokenCache<string>({ entries: 3, bytes: 1_000_000 });
    for (const id of ['a', 'b', 'c']) cache.set(id, id, 10, LATER, NOW);
    cache.set('d', 'd', 10, LATER, NOW);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([undefined, 'b', 'c', 'd']);
    expect(cache.size).toBe(3);
  });

  it('gives an entry that was served a second chance over one that was not', () => {
    const cache = new TokenCache<string>({ entries: 3, bytes: 1_000_000 });
    for (const id of ['shown', 'crawled-1', 'crawled-2']) cache.set(id, id, 10, LATER, NOW);
    cache.get('shown');
    // A crawler asks for many ids once each: the id that websites show stays.
    for (let i = 3; i < 50; i++) {
      cache.set(`crawled-${i}`, 'x', 10, LATER, NOW);
      cache.get('shown');
    }
    expect(cache.get('shown')).toBe('shown');
    expect(cache.size).toBe(3);
  });

  it('keeps its bytes within the limit, and counts them back when entries go', () => {
    const cache = new TokenCache<string>({ entries: 100, bytes: 250 });
    for (let i = 0; i < 10; i++) cache.set(`id-${i}`, 'x', 100, LATER, NOW);
    expect(cache.bytes).toBe(200);
    expect(cache.size).toBe(2);
    cache.delete('id-9');
    expect(cache.bytes).toBe(100);
    cache.set('id-8', 'y', 50, LATER, NOW);
    expect(cache.bytes).toBe(50);
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });

  it('drops expired entries when new ones come, even with room to spare', () => {
    const cache = new TokenCache<string>({ entries: 100, bytes: 1_000_000 });
    cache.set('old', 'old', 10, NOW + 5, NOW);
    cache.set('new', 'new', 10, LATER, NOW);
    expect(cache.size).toBe(2);
    cache.set('newer', 'newer', 10, LATER, NOW + 5);
    expect(cache.get('old')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('refuses limits that leave no room', () => {
    expect(() => new TokenCache({ entries: 0, bytes: 10 })).toThrow(RangeError);
    expect(() => new TokenCache({ entries: 10, bytes: Number.NaN })).toThrow(RangeError);
  });
});
