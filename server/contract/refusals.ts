import * as z from 'zod';
import { fail, LabelError } from '../errors.ts';

/** What a schema's failure is refused as, given the value it refused and the field's name. */
type Refusal = (value: unknown, field: string, issue: z.core.$ZodIssue) => LabelError;

/**
 * The refusal a field schema stands for, where the plain `invalid_field` is not enough
 * (`invalid_country`, `invalid_date`, …). Kept beside the schema, not in its JSON Schema:
 * the OpenAPI document lists the codes per operation instead.
 */
// Keyed by definition: `.describe()` and `.meta()` clone a schema and keep its definition.
const refusals = new WeakMap<object, Refusal>();

/**
 * `schema`, refused as `refusal` whenever it fails.
 *
 * @example
 * const country = refusedAs(z.string().regex(/^[A-Z]{2}$/), () => fail('invalid_country'));
 */
export function refusedAs<S extends z.core.$ZodType>(schema: S, refusal: Refusal): S {
  refusals.set(schema._zod.def, refusal);
  return schema;
}

/**
 * A refusal with its details, raised from inside a check (`ctx.addIssue`), where the
 * value decides the code, as for an origin that names its corrected form.
 */
export function refusalIssue(error: LabelError, input: unknown): z.core.$ZodRawIssue {
  return { code: 'custom', input, message: error.message, params: { refusal: error } };
}

/** The schema a wrapper that keeps the shape wraps (optional, nullable, default, …; a pipe's input side); undefined for any other. */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if ('innerType' in def && def.innerType instanceof z.core.$ZodType) return def.innerType;
  return schema instanceof z.core.$ZodPipe ? schema._zod.def.in : undefined;
}

/** The schema itself once every wrapper that keeps the shape is taken off. */
function unwrappedAll(schema: z.core.$ZodType): z.core.$ZodType {
  let at = schema;
  for (let inner = unwrapped(at); inner; inner = unwrapped(at)) at = inner;
  return at;
}

/** The schema one step down `key`, through the wrappers that do not change the shape. */
function child(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  const at = unwrappedAll(schema);
  if (at instanceof z.core.$ZodObject) return at._zod.def.shape[String(key)];
  if (at instanceof z.core.$ZodArray) return at._zod.def.element;
  return undefined;
}

/** The refusal of the innermost schema along `path` that has one, or undefined. */
function refusalAlong(schema: z.core.$ZodType, path: readonly PropertyKey[]): Refusal | undefined {
  let found: Refusal | undefined;
  let at: z.core.$ZodType | undefined = schema;
  for (let i = 0; at; i++) {
    // Every wrapper on the way may carry the refusal: `refusedAs(x.optional(), …)` as well as `refusedAs(x, …).optional()`.
    for (let step: z.core.$ZodType | undefined = at; step; step = unwrapped(step)) found = refusals.get(step._zod.def) ?? found;
    const key = path[i];
    if (key === undefined) break;
    at = child(at, key);
  }
  return found;
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? Reflect.get(value, key) : undefined), input);

/** The names a strict object schema accepts. */
export function fieldsOf(schema: z.core.$ZodType): string[] {
  const object = unwrappedAll(schema);
  return object instanceof z.core.$ZodObject ? Object.keys(object._zod.def.shape) : [];
}

/**
 * `input` checked and shaped by `schema`, or the refusal of its first problem: an
 * unknown field first, then the fields in the order the schema lists them. A missing
 * field is `missing_field`; a field of the wrong kind `invalid_field`, its rule being
 * the schema's message, unless the field's schema names its own refusal (`refusedAs`).
 *
 * @example
 * const input = parseWith(ClusterInput, await readJson(c));
 */
export function parseWith<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown && unknown.path.length === 0) throw fail('unknown_field', { fields: unknown.keys, allowed: fieldsOf(schema) });
  const issue = issues[0]!;
  if (issue.path.length === 0 && issue.code === 'invalid_type') throw fail('invalid_body');
  if (issue.code === 'custom' && issue.params?.refusal instanceof LabelError) throw issue.params.refusal;
  const field = issue.path.filter((key) => typeof key === 'string').join('.');
  const value = valueAt(input, issue.path);
  const refusal = refusalAlong(schema, issue.path);
  if (refusal) throw refusal(value, field, issue);
  if (value === undefined) throw fail('missing_field', { field });
  throw fail('invalid_field', { field, rule: issue.message });
}
