// Schemas of the BatchLauncher's run request and of the envelope of an Integrator call.
import { Type, type Static } from '@sinclair/typebox';
import { NameValues } from './common';
import { ColumnSchema } from './packages';

export const BatchRunRequestSchema = Type.Object(
  {
    package: Type.String({
      minLength: 1,
      description: 'The package path in the storage, e.g. credit/scoring.pkg.yaml',
    }),
    node: Type.Optional(
      Type.String({ minLength: 1, description: 'A published node; the whole package when left out' }),
    ),
    variables: Type.Optional(NameValues('Package variables by name')),
  },
  { additionalProperties: false },
);
export type BatchRunRequest = Static<typeof BatchRunRequestSchema>;

/**
 * The envelope every Integrator call shares; what goes inside (declared variables, the columns of
 * each input node) depends on the package and is checked against it, and described per operation in
 * GET /integrator/v1/openapi.json.
 */
export const IntegratorCallSchema = Type.Object(
  {
    variables: Type.Optional(NameValues('Package variables by name')),
    // Each input's rows (a list of objects of its columns) are the package's to check: its messages
    // name the row and column (inputs.applicants[1].income), which a schema shared by all cannot.
    inputs: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Rows for the input nodes, by input node id: [{column: value}, ...]',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IntegratorCall = Static<typeof IntegratorCallSchema>;

export const IntegratorAnswerSchema = Type.Object(
  {
    requestId: Type.String({ description: 'Also in the x-request-id header, the server log and the Session Manager' }),
    node: Type.String(),
    rows: Type.Array(NameValues('A result row: column name to value')),
    columns: Type.Array(ColumnSchema),
    total: Type.Integer({ description: 'Rows of the result; `rows` holds at most 10,000 of them' }),
    truncated: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const IntegratorQuerySchema = Type.Object({
  timeout: Type.Optional(
    Type.String({ description: 'Seconds the call may take at most (at least 0.001); only lowers the server limit' }),
  ),
});
