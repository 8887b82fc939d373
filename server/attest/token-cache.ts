/** Bounds of a token cache; whichever is reached first makes room. */
export interface CacheLimits {
  entries: number;
  bytes: number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  /** Unix seconds after which the value must not be served. */
  expires: number;
  /** Served since the sweep last passed it. */
  used: boolean;
}

/**
 * Values that expire, kept in memory within a number of entries and of bytes.
 * Entries sit in the order they were stored. To make room, and to drop what has
 * expired, the sweep looks at the oldest: an expired one goes; one served since
 * the sweep last passed moves to the back and loses its mark ("second chance", the
 * CLOCK approximation of least-recently-used); any other goes. So a crawler that
 * asks for every id once pushes out ids nobody asks for again, not the ones shown
 * on websites every minute, and a hit costs one property write.
 *
 * @example const cache = new TokenCache<string>({ entries: 10_000, bytes: 8 << 20 });
 */
export class TokenCache<V> {
  readonly #limits: CacheLimits;
  readonly #entries = new Map<string, Entry<V>>();
  #bytes = 0;

  constructor(limits: CacheLimits) {
    if (!(limits.entries >= 1 && limits.bytes >= 1)) throw new RangeError('A token cache needs room for at least one entry.');
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The value stored for `key`, expired or not (the caller judges); marks it as served. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** Whether a value is stored for `key`, expired or not, without marking it as served. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Stores `value` at the back, then sweeps expired entries and whatever exceeds the limits. */
  set(key: string, value: V, bytes: number, expires: number, now: number): void {
    this.delete(key);
    this.#entries.set(key, { value, bytes, expires, used: false });
    this.#bytes += bytes;
    this.#sweep(now);
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #sweep(now: number): void {
    // Each entry moves back at most once per sweep, so this ends within two passes.
    for (const [key, entry] of this.#entries) {
      const over = this.#entries.size > this.#limits.entries || this.#bytes > this.#limits.bytes;
      if (entry.expires <= now) {
        this.delete(key);
      } else if (!over) {
        return;
      } else if (entry.used) {
        entry.used = false;
        this.#entries.delete(key);
        this.#entries.set(key, entry);
      } else {
        this.delete(key);
      }
    }
  }
}
