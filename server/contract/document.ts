import * as z from 'zod';
import { ADMIN } from './admin.ts';
import { CONSOLE } from './console.ts';
import { CREDENTIALS } from './credentials.ts';
import { refusalAnswers, type Answer, type Operation } from './operation.ts';
import { PUBLIC } from './public.ts';
import { AwardInput, ClusterInput, ClusterPatch, RenewalInput, RevocationInput, RotationInput } from './requests.ts';
import { RESPONSES } from './responses.ts';

type Json = Record<string, unknown>;

/** One operation of the document: its answers by status, and the rest as OpenAPI names it. */
interface PathOperation extends Json {
  responses: Record<string, { description: string; headers?: Json; content?: Json }>;
}

/** The schemas the document names, request bodies with the answers. */
const COMPONENTS: Record<string, z.core.$ZodType> = { ...RESPONSES, ClusterInput, ClusterPatch, AwardInput, RenewalInput, RevocationInput, RotationInput };

/**
 * The JSON Schemas of `inline` (by position) and of every component, with references
 * between them, in one conversion: zod names a registered schema by `$ref` wherever it
 * occurs. Requests are described as sent (`io: 'input'`), before any transform.
 */
function convert(inline: z.core.$ZodType[]): { components: Record<string, Json>; inline: (at: number) => Json } {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const ids = inline.map((schema, i) => {
    const id = registry.get(schema)?.id ?? `inline-${i}`;
    if (!registry.has(schema)) registry.add(schema, { id });
    return id;
  });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    // `z.undefined()` (a field that must be left out) has no JSON Schema: it reads as any value.
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      // z.int()'s bounds are JavaScript's safe integers: true of every JSON number this API reads.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  const converted = (id: string | undefined): Json => {
    const schema = id === undefined ? undefined : schemas[id];
    if (!schema) throw new Error(`No JSON Schema was made for ${id ?? 'a schema never registered'}.`);
    const { $schema: _, $id: __, ...rest } = schema;
    return rest;
  };
  return {
    components: Object.fromEntries(Object.keys(COMPONENTS).map((id) => [id, converted(id)])),
    inline: (at) => {
      const id = ids[at];
      return id?.startsWith('inline-') === false ? { $ref: `#/components/schemas/${id}` } : converted(id);
    },
  };
}

/** The OpenAPI path items of `operations`, their schemas converted by `convert`. */
function pathItems(operations: readonly Operation[]) {
  const inline: z.core.$ZodType[] = [];
  const schemaOf = (schema: z.core.$ZodType | 'text' | 'binary'): (() => Json) => {
    if (schema === 'text') return () => ({ type: 'string' });
    if (schema === 'binary') return () => ({ type: 'string', format: 'binary' });
    const at = inline.push(schema) - 1;
    return () => converted.inline(at);
  };
  // Drawn first, filled in once every schema is known: one conversion for the whole document.
  const drafts = operations.map((operation) => {
    const query = Object.entries(operation.query?.shape ?? {}).map(([name, field]) => {
      const draw = schemaOf(field);
      return () => {
        const { description, ...schema } = draw();
        // An integer parameter is read from text: it is documented as the number it stands for.
        const meta = z.globalRegistry.get(field);
        const integer = meta?.type === 'integer' ? { type: 'integer', minimum: meta.minimum, maximum: meta.maximum, ...(meta.default === undefined ? {} : { default: meta.default }) } : undefined;
        return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: integer ?? schema };
      };
    });
    const parameters = (operation.parameters ?? []).map(({ schema, ...parameter }) => {
      const draw = schemaOf(schema);
      return () => ({ ...parameter, required: parameter.in === 'path' || parameter.required === true, schema: draw() });
    });
    const body = operation.body && {
      required: operation.body.required,
      content: Object.entries(operation.body.content).map(([type, schema]) => [type, schemaOf(schema)] as const),
      example: operation.body.example,
    };
    const answers: Record<string, Answer> = { ...operation.answers, ...refusalAnswers(operation) };
    const responses = Object.entries(answers).map(([status, answer]) => ({
      status,
      description: answer.description,
      headers: answer.headers,
      content: Object.entries(answer.content ?? {}).map(([type, schema]) => [type, schemaOf(schema)] as const),
    }));
    return { operation, query, parameters, body, responses };
  });
  const converted = convert(inline);
  const paths: Record<string, Record<string, PathOperation>> = {};
  for (const { operation, query, parameters, body, responses } of drafts) {
    const { role, security, method, path, tag, summary, description } = operation;
    const roleNote = role && operation.security !== 'consoleSession' ? `Needs the \`${role}\` role or a higher one.` : undefined;
    (paths[path] ??= {})[method] = {
      tags: [tag],
      summary,
      ...(description || roleNote ? { description: [description, roleNote].filter(Boolean).join(' ') } : {}),
      ...(role || security ? { security: [{ [security ?? 'bearerToken']: [] }] } : {}),
      ...(role ? { 'x-role': role } : {}),
      ...(parameters.length || query.length ? { parameters: [...parameters.map((draw) => draw()), ...query.map((draw) => draw())] } : {}),
      ...(body
        ? {
            requestBody: {
              required: body.required,
              content: Object.fromEntries(body.content.map(([type, draw], i) => [type, { schema: draw(), ...(i === 0 && body.example !== undefined ? { example: body.example } : {}) }])),
            },
          }
        : {}),
      responses: Object.fromEntries(
        responses.map(({ status, description, headers, content }) => [
          status,
          {
            description,
            ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([name, about]) => [name, { description: about, schema: { type: 'string' } }])) } : {}),
            ...(content.length ? { content: Object.fromEntries(content.map(([type, draw]) => [type, { schema: draw() }])) } : {}),
          },
        ]),
      ),
    };
  }
  return { paths, components: converted.components };
}

/** The OpenAPI 3.1 document of every HTTP route, for the issuer at `serverUrl` (its PUBLIC_URL). */
export function openApiDocument(serverUrl: string, version: string) {
  const { paths, components } = pathItems([...Object.values(PUBLIC), ...CONSOLE, ...Object.values(ADMIN), ...Object.values(CREDENTIALS)]);
  return {
    openapi: '3.1.0',
    info: {
      title: 'cluster-label issuer',
      version,
      description: 'Signed, verifiable quality labels for cluster websites. Errors from /v1/… are JSON: {"error": {"code", "message"}}.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'public', description: 'What cluster websites and verifiers fetch; CORS `*`.' },
      { name: 'register', description: 'The public register.' },
      { name: 'admin', description: 'The admin API: `Authorization: Bearer <token>` (docs/api.md).' },
      { name: 'console', description: 'The programme office’s console: HTML pages and forms for a signed-in account.' },
      { name: 'operations', description: 'For operators.' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from `npm run admin -- tokens create`.' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'cl_session', description: 'The console’s session cookie (`__Host-cl_session` behind HTTPS), set by signing in.' },
      },
    },
  };
}
