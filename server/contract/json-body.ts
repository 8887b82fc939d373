import type { Context } from 'hono';
import { fail, messageOf } from '../errors.ts';

/** Deeper than any body this API accepts; checked before parsing, so a hostile body costs one pass. */
export const MAX_JSON_DEPTH = 8;
export const MAX_BODY_BYTES = 64 * 1024;

// `fatal`: bytes that are not UTF-8 are refused, never read as U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body as JSON, read as strictly as the console reads its forms: sent as
 * `application/json` (415 otherwise), UTF-8 (not guessed, not repaired), nested at most
 * `MAX_JSON_DEPTH` deep, and with no key twice in one object (`JSON.parse` would keep the
 * last one silently). An empty body reads as `undefined`: the schema decides whether the
 * request needs one.
 */
export async function readJson(c: Context): Promise<unknown> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw fail('malformed_json', { reason: 'it is not UTF-8 text.' });
  }
  if (text.trim() === '') return undefined;
  const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw fail('unsupported_media_type', { sent: type });
  const duplicate = scan(text, MAX_JSON_DEPTH);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw fail('malformed_json', { reason: messageOf(error) });
  }
  if (duplicate !== undefined) throw fail('duplicate_field', { field: duplicate });
  return body;
}

/**
 * One pass over the text outside JSON's own parser: refuses nesting deeper than `limit`,
 * and answers the first key that occurs twice in one object. Lenient about everything
 * else, which `JSON.parse` judges next.
 */
function scan(text: string, limit: number): string | undefined {
  // One entry per open bracket: the keys seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  let duplicate: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const keys = open.at(-1);
      if (expectKey && keys && duplicate === undefined) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          continue;
        }
        if (keys.has(key)) duplicate = key;
        keys.add(key);
      }
      expectKey = false;
    } else if (ch === '{' || ch === '[') {
      if (open.length >= limit) throw fail('json_too_deep', { depth: limit });
      open.push(ch === '{' ? new Set() : null);
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      open.pop();
      expectKey = false;
    } else if (ch === ',') expectKey = open.at(-1) instanceof Set;
  }
  return duplicate;
}
