// The published JSON Schema (draft 2020-12) of *.pkg.yaml; docs/package.schema.json is a copy kept equal by a test.

const identifier = {
  type: 'string',
  pattern: '^(?!__)[A-Za-z_][A-Za-z0-9_]{0,62}$',
  description: 'A letter or underscore, then letters, digits or underscores (at most 63); `__` is reserved.',
};
const valueType = { enum: ['string', 'number', 'integer', 'boolean', 'date'] };
const format = { enum: ['csv', 'json', 'parquet'] };
const storagePath = {
  type: 'string',
  minLength: 1,
  maxLength: 1024,
  description: 'A path relative to the storage root, with / separators.',
};

const common = {
  id: identifier,
  kind: { enum: ['import', 'input', 'sql', 'call', 'export'] },
  access: { enum: ['private', 'public', 'published'], default: 'private' },
  description: { type: 'string' },
};

/** One `if kind = K then exactly these fields` clause: plain 2020-12, no vendor keywords. */
function kindClause(kind: string, properties: Record<string, unknown>, required: string[]) {
  return {
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: {
      properties: { ...common, ...properties },
      required: ['id', 'kind', ...required],
      additionalProperties: false,
    },
  };
}

export const PACKAGE_SCHEMA_ID = 'https://flowport.dev/schemas/package.schema.json';

export const packageSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: PACKAGE_SCHEMA_ID,
  title: 'Flowport package (*.pkg.yaml)',
  type: 'object',
  required: ['name', 'nodes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    version: {
      type: 'string',
      default: '1.0.0',
      pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$',
      description: 'Semantic version of the package.',
    },
    description: { type: 'string' },
    references: {
      type: 'array',
      items: {
        type: 'object',
        required: ['alias', 'path'],
        additionalProperties: false,
        properties: {
          alias: identifier,
          path: { ...storagePath, pattern: '\\.pkg\\.yaml$' },
          version: { type: 'string', minLength: 1, description: 'A semver range, e.g. ^1.0.0.' },
        },
      },
    },
    variables: {
      type: 'object',
      propertyNames: identifier,
      additionalProperties: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: valueType,
          default: { description: 'A value of the declared type (dates as YYYY-MM-DD), or null when nullable.' },
          nullable: { type: 'boolean', default: false },
          description: { type: 'string' },
        },
      },
    },
    nodes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'kind'],
        properties: common,
        allOf: [
          kindClause('import', { file: storagePath, format }, ['file']),
          kindClause(
            'input',
            {
              columns: { type: 'object', minProperties: 1, propertyNames: identifier, additionalProperties: valueType },
            },
            ['columns'],
          ),
          kindClause(
            'sql',
            { inputs: { type: 'array', items: identifier, uniqueItems: true }, sql: { type: 'string', minLength: 1 } },
            ['sql'],
          ),
          kindClause(
            'call',
            {
              package: identifier,
              node: identifier,
              inputs: { type: 'object', propertyNames: identifier, additionalProperties: identifier },
            },
            ['package', 'node'],
          ),
          kindClause('export', { input: identifier, file: storagePath, format }, ['input', 'file']),
        ],
      },
    },
  },
} as const;
