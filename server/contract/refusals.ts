import * as z from 'zod';
import { fail, type LabelError } from '../errors.ts';

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

/** The schema one step down `key`, through the wrappers that do not change the shape. */
function child(schema: z.core.$ZodType | undefined, key: PropertyKey | undefined): z.core.$ZodType | undefined {
  let at = schema;
  for (;;) {
    const def = at?._zod.def as { type?: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType } | undefined;
    if (!def) return undefined;
    if (def.innerType) at = def.innerType;
    else if (def.type === 'pipe') at = def.in;
    else if (key === undefined) return at;
    else if (def.shape) return def.shape[String(key)];
    else if (def.element) return def.element;
    else return undefined;
  }
}

/** The refusal of the innermost schema along `path` that has one, or undefined. */
function refusalAlong(schema: z.core.$ZodType, path: readonly PropertyKey[]): Refusal | undefined {
  let found: Refusal | undefined;
  let at: z.core.$ZodType | undefined = schema;
  for (let i = 0; at; i++) {
    // Every wrapper on the way may carry the refusal: `refusedAs(x.optional(), …)` as well as `refusedAs(x, …).optional()`.
    for (let step: z.core.$ZodType | undefined = at; step; ) {
      found = refusals.get(step._zod.def) ?? found;
      const def = step._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; type?: string };
      step = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    }
    if (i >= path.length) break;
    at = child(at, path[i]);
  }
  return found;
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), input);

/** The names a strict object schema accepts. */
export function fieldsOf(schema: z.core.$ZodType): string[] {
  const object = child(schema, undefined);
  const shape = (object?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
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
  if (issue.code === 'custom' && issue.params?.refusal) throw issue.params.refusal as LabelError;
  const field = issue.path.filter((key) => typeof key === 'string').join('.');
  const value = valueAt(input, issue.path);
  const refusal = refusalAlong(schema, issue.path);
  if (refusal) throw refusal(value, field, issue);
  if (value === undefined) throw fail('missing_field', { field });
  throw fail('invalid_field', { field, rule: issue.message });
}
