// Builds the Integrator's OpenAPI 3.1 document: one POST operation per published node, schemas from declared types.
import { FLOWPORT_VERSION } from '@flowport/protocol';
import type { ColumnInfo, NodeDef, PackageDef, ValueType } from '../engine';
import { nodeDependencies } from '../engine/package-types';
import type { CatalogView, PublishedPackage } from '../workspace/published-catalog';
import { COLUMNS_HEADER, NDJSON, ROWS_TRAILER } from './integrator-answer';

export const INTEGRATOR_PREFIX = '/integrator/v1';
export const TIMEOUT_HEADER = 'x-flowport-timeout';

type Schema = Record<string, unknown>;

/** The JSON Schema of one value of a package type; `nullable` adds null. */
export function valueSchema(type: ValueType, nullable: boolean): Schema {
  const base: Schema =
    type === 'date'
      ? { type: nullable ? ['string', 'null'] : 'string', format: 'date' }
      : { type: nullable ? [type, 'null'] : type };
  return base;
}

/** A row of an input node: its declared columns, each optional (missing means null), nothing else. */
export function inputRowSchema(columns: Record<string, ValueType>): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, valueSchema(type, true)])),
    additionalProperties: false,
  };
}

/** A result column's DuckDB type as the JSON the Integrator answers with. */
export function resultColumnSchema(duckType: string): Schema {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t)) {
    return { type: ['integer', 'string', 'null'], description: `${duckType} (a string beyond ±2^53)` };
  }
  if (/^(FLOAT|DOUBLE|REAL)$/.test(t) || t.startsWith('DECIMAL'))
    return { type: ['number', 'null'], description: duckType };
  if (t === 'VARCHAR') return { type: ['string', 'null'] };
  if (t === 'BOOLEAN') return { type: ['boolean', 'null'] };
  if (t === 'DATE') return { type: ['string', 'null'], format: 'date' };
  if (t.startsWith('TIMESTAMP')) return { type: ['string', 'null'], format: 'date-time' };
  return { description: duckType };
}

/** The input nodes a node needs, transitively, in declaration order. */
function inputsOf(def: PackageDef, node: NodeDef): NodeDef[] {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [node.id];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = byId.get(id);
    if (n) stack.push(...nodeDependencies(n));
  }
  return def.nodes.filter((n) => n.kind === 'input' && seen.has(n.id));
}

function requestSchema(def: PackageDef, node: NodeDef): Schema {
  const variables = Object.entries(def.variables);
  const required = variables.filter(([, v]) => v.default === undefined && !v.nullable).map(([name]) => name);
  const variablesSchema: Schema = {
    type: 'object',
    description: variables.length
      ? 'Package variables; those left out take their defaults.'
      : 'This package has no variables.',
    properties: Object.fromEntries(
      variables.map(([name, v]) => {
        const s = valueSchema(v.type, v.nullable ?? false);
        if (v.default !== undefined) s.default = v.default;
        return [name, s];
      }),
    ),
    additionalProperties: false,
  };
  if (required.length) variablesSchema.required = required;
  const inputs = inputsOf(def, node);
  const inputsSchema: Schema = {
    type: 'object',
    description: inputs.length
      ? 'Rows for the input nodes, by input node id; an input left out gets no rows.'
      : 'This node reads no input nodes.',
    properties: Object.fromEntries(
      inputs.map((n) => [
        n.id,
        {
          type: 'array',
          description: n.description ?? `Rows of the input node "${n.id}".`,
          items: inputRowSchema(n.kind === 'input' ? n.columns : {}),
        },
      ]),
    ),
    additionalProperties: false,
  };
  const body: Schema = {
    type: 'object',
    properties: { variables: variablesSchema, inputs: inputsSchema },
    additionalProperties: false,
  };
  if (required.length) body.required = ['variables'];
  return body;
}

function rowSchema(node: NodeDef, learned: ColumnInfo[] | undefined): Schema {
  if (node.kind === 'input') return { ...inputRowSchema(node.columns), additionalProperties: undefined };
  if (!learned) return { type: 'object', description: 'A result row: column name to value.' };
  return {
    type: 'object',
    description: 'A result row; the columns are those of the last successful call of this package version.',
    properties: Object.fromEntries(learned.map((c) => [c.name, resultColumnSchema(c.type)])),
    required: learned.map((c) => c.name),
  };
}

function responseSchema(node: NodeDef, learned: ColumnInfo[] | undefined): Schema {
  return {
    type: 'object',
    required: ['requestId', 'node', 'rows'],
    properties: {
      requestId: {
        type: 'string',
        description: 'Also in the x-request-id header, the server log and the Session Manager.',
      },
      node: { type: 'string', const: node.id },
      rows: { type: 'array', items: JSON.parse(JSON.stringify(rowSchema(node, learned))) },
      columns: { type: 'array', items: { $ref: '#/components/schemas/Column' } },
      total: {
        type: 'integer',
        description:
          'Rows of the result; `rows` holds at most 10,000 of them (ask for `application/x-ndjson` to receive them all).',
      },
      truncated: { type: 'boolean' },
    },
  };
}

function operationId(path: string, node: string, taken: Set<string>): string {
  const base = `${path.replace(/\.pkg\.yaml$/, '')}__${node}`.replace(/[^A-Za-z0-9_]+/g, '_');
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
  taken.add(id);
  return id;
}

/** The URL path of a published node; each storage segment is percent-encoded. */
export function operationPath(path: string, node: string): string {
  return `${INTEGRATOR_PREFIX}/${[...path.split('/'), node].map(encodeURIComponent).join('/')}`;
}

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(p: PublishedPackage, node: NodeDef, id: string, learned: ColumnInfo[] | undefined): Schema {
  const about = [node.description, `Package "${p.def.name}" ${p.def.version} (${p.path}).`, p.def.description];
  return {
    operationId: id,
    tags: [p.def.name],
    summary: `${p.def.name}: ${node.id}`,
    description: about.filter(Boolean).join('\n\n'),
    parameters: [
      {
        name: TIMEOUT_HEADER,
        in: 'header',
        required: false,
        description: 'Seconds the call may take at most; only lowers the server limit (integratorTimeoutSeconds).',
        schema: { type: 'number', exclusiveMinimum: 0 },
      },
      {
        name: 'timeout',
        in: 'query',
        required: false,
        description: `The same as the ${TIMEOUT_HEADER} header.`,
        schema: { type: 'number', exclusiveMinimum: 0 },
      },
    ],
    requestBody: {
      required: false,
      content: { 'application/json': { schema: requestSchema(p.def, node) } },
    },
    responses: {
      '200': {
        description:
          `The rows of "${node.id}": as one JSON object (at most 10,000 rows, \`total\` and \`truncated\` say how many ` +
          'there are), or, with `Accept: application/x-ndjson`, every row of the result however many, streamed as ' +
          'NDJSON: one JSON object per line, each as in `rows`. A streamed answer gives its columns in the ' +
          `${COLUMNS_HEADER} header and its row count in the ${ROWS_TRAILER} trailer; an error before the first row ` +
          'is an ordinary JSON error, one after it cuts the connection (the answer then lacks its trailer).',
        headers: {
          'x-request-id': { description: 'The request id', schema: { type: 'string' } },
          [COLUMNS_HEADER]: {
            description: 'NDJSON only: the columns, as JSON `[{"name": ..., "type": ...}]` (non-ASCII escaped).',
            schema: { type: 'string' },
          },
        },
        content: {
          'application/json': { schema: responseSchema(node, learned) },
          [NDJSON]: {
            schema: {
              ...(JSON.parse(JSON.stringify(rowSchema(node, learned))) as Schema),
              description: 'Each line of the stream: one row, a JSON object followed by a line feed.',
            },
          },
        },
      },
      '400': errorRef('Bad input: the message names the variable, or the input row and column.'),
      '401': errorRef('Not logged in: send HTTP Basic credentials or a bearer token from POST /api/auth/token.'),
      '403': errorRef('The user has neither the Batch execution nor the Administration role.'),
      '404': errorRef('No such package, or no such published node.'),
      '409': errorRef('Stopped on the server (Session Manager).'),
      '413': errorRef('The request body is larger than integratorBodyLimitBytes.'),
      '415': errorRef('The request body is not JSON (Content-Type: application/json).'),
      '422': errorRef('The package file has errors.'),
      '500': errorRef('The execution failed.'),
      '504': errorRef('The call took longer than its timeout and was cancelled.'),
    },
  };
}

/** The whole document for the packages the catalog found. */
export function buildOpenApiDocument(view: CatalogView): Schema {
  const paths: Record<string, Schema> = {};
  const taken = new Set<string>();
  const tags: Schema[] = [];
  for (const p of view.packages) {
    if (!tags.some((t) => t.name === p.def.name)) {
      tags.push({ name: p.def.name, description: p.def.description ?? `Package ${p.path}` });
    }
    for (const node of p.def.nodes) {
      if (node.access !== 'published') continue;
      const id = operationId(p.path, node.id, taken);
      paths[operationPath(p.path, node.id)] = { post: operation(p, node, id, view.columnsOf(p.path, node.id)) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowport Integrator',
      version: FLOWPORT_VERSION,
      description:
        'One operation per published node of the packages in the file storage. Each call runs in its own ' +
        'session (shown in the Session Manager with its request id) on an instance from the package pool. ' +
        'A caller that disconnects cancels its execution.',
    },
    tags,
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'A user with the Batch execution or Administration role.',
        },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/auth/token.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['VALIDATION_FAILED'] },
                message: { type: 'string' },
                details: { type: 'object' },
              },
            },
          },
        },
        Column: {
          type: 'object',
          required: ['name', 'type'],
          properties: { name: { type: 'string' }, type: { type: 'string', description: 'The DuckDB type' } },
        },
      },
    },
  };
}
