/**
 * Characters no name, reason or reference may hold: control characters (C0 and C1, which
 * break CSV and logs), line and paragraph separators, the invisible bidi embeddings,
 * overrides and isolates that make text read differently from how it is stored (a
 * "Trojan Source" spelling of a name), and lone surrogate halves, which are no text at all
 * and are stored differently by each database.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

export const hasUnsafeCharacters = (value: string): boolean => UNSAFE.test(value);
