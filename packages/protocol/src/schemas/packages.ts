// Schemas of the Studio session API: sessions, storage listing, packages in a session, runs and result rows.
import { Type, type Static } from '@sinclair/typebox';
import type {
  NodeDto,
  PackageDto,
  PackageIssue,
  Progress,
  RowsPage,
  SaveRequest,
  SessionCreated,
  StorageListing,
  VariableDto,
} from '../packages';
import { NameValues, OneOf, Same, sameType } from './common';

const ISO = () => Type.String({ format: 'date-time' });

export const ProgressSchema = Type.Object(
  {
    percent: Type.Number({ minimum: 0, maximum: 100 }),
    node: Type.String({ description: 'The node being activated' }),
    nodeStartedAt: ISO(),
    nodesDone: Type.Integer({ minimum: 0, description: 'Nodes of this execution already activated' }),
    nodesTotal: Type.Integer({ minimum: 0, description: 'Nodes this execution activates' }),
    indeterminate: Type.Optional(
      Type.Boolean({ description: 'The running statement has no DuckDB progress figure: draw no number' }),
    ),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ProgressSchema>, Progress>>(true);

export const NodeDtoSchema = Type.Object(
  {
    id: Type.String(),
    kind: OneOf(['import', 'input', 'sql', 'call', 'export'] as const),
    access: OneOf(['private', 'public', 'published'] as const),
    state: OneOf(['idle', 'running', 'done', 'failed', 'cancelled'] as const),
    rows: Type.Optional(Type.Integer()),
    durationMs: Type.Optional(Type.Number()),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof NodeDtoSchema>, NodeDto>>(true);

export const PackageIssueSchema = Type.Object(
  {
    message: Type.String(),
    file: Type.Optional(Type.String()),
    line: Type.Optional(Type.Integer()),
    column: Type.Optional(Type.Integer()),
    field: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof PackageIssueSchema>, PackageIssue>>(true);

export const VariableDtoSchema = Type.Object(
  {
    name: Type.String(),
    type: OneOf(['string', 'number', 'integer', 'boolean', 'date'] as const),
    nullable: Type.Boolean(),
    default: Type.Unknown(),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof VariableDtoSchema>, VariableDto>>(true);

export const PackageDtoSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    version: Type.String(),
    path: Type.Union([Type.String(), Type.Null()], { description: 'null for a draft never saved' }),
    dirty: Type.Boolean(),
    running: Type.Boolean(),
    readOnly: Type.Boolean(),
    createdAt: Type.Union([ISO(), Type.Null()]),
    savedAt: Type.Union([ISO(), Type.Null()]),
    fileVersion: Type.Union([Type.String(), Type.Null()], {
      description: 'The version of the file it was loaded from or last saved to; sent back with a save',
    }),
    progress: Type.Optional(ProgressSchema),
    nodes: Type.Array(NodeDtoSchema),
    variables: Type.Array(VariableDtoSchema),
    issues: Type.Array(PackageIssueSchema),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof PackageDtoSchema>, PackageDto>>(true);

export const SessionCreatedSchema = Type.Object(
  { id: Type.String(), name: Type.String() },
  { additionalProperties: false },
);
sameType<Same<Static<typeof SessionCreatedSchema>, SessionCreated>>(true);

export const StorageListingSchema = Type.Object(
  {
    path: Type.String(),
    entries: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          path: Type.String(),
          type: OneOf(['folder', 'package', 'file'] as const),
          size: Type.Optional(Type.Integer()),
          modifiedAt: Type.Optional(ISO()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof StorageListingSchema>, StorageListing>>(true);

export const StorageQuerySchema = Type.Object({
  path: Type.Optional(Type.String({ description: 'A folder of the storage; the top when left out' })),
});

export const SessionParamsSchema = Type.Object({ sid: Type.String() });
export const PackageParamsSchema = Type.Object({ sid: Type.String(), pid: Type.String() });
export const NodeParamsSchema = Type.Object({ sid: Type.String(), pid: Type.String(), node: Type.String() });

/** Either a path or a draft; which of the two is the service's rule (it says so when neither is sent). */
export const OpenPackageRequestSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'A package in the storage, ending in .pkg.yaml' })),
    draft: Type.Optional(
      Type.Object(
        { yaml: Type.Optional(Type.String({ description: 'The source; an empty package when left out' })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Send {"path": "..."} or {"draft": {"yaml"?: "..."}}' },
);
export type OpenPackageRequest = Static<typeof OpenPackageRequestSchema>;

export const SourceSchema = Type.Object(
  { yaml: Type.String({ description: 'The package source' }) },
  { additionalProperties: false },
);

export const SaveRequestSchema = Type.Object(
  {
    path: Type.Optional(
      Type.String({ minLength: 1, description: 'Save as this path; the package’s own when left out' }),
    ),
    baseVersion: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'The file version opened; a file changed since is refused (409) unless overwrite',
      }),
    ),
    overwrite: Type.Optional(Type.Boolean({ description: 'Save over a file changed since it was opened' })),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof SaveRequestSchema>, SaveRequest>>(true);

export const RunRequestSchema = Type.Object(
  {
    node: Type.Optional(Type.String({ minLength: 1, description: 'Run up to this node; all nodes when left out' })),
    variables: Type.Optional(NameValues('Package variables by name')),
  },
  { additionalProperties: false },
);

export const RunStartedSchema = Type.Object(
  { executionId: Type.String(), packageId: Type.String(), node: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

export const StoppedSchema = Type.Object(
  { stopped: Type.Boolean({ description: 'false when nothing was running' }) },
  { additionalProperties: false },
);

export const RowsQuerySchema = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
});

export const ColumnSchema = Type.Object(
  { name: Type.String(), type: Type.String({ description: 'The DuckDB type' }) },
  { additionalProperties: false },
);

export const RowsPageSchema = Type.Object(
  {
    node: Type.String(),
    offset: Type.Integer(),
    limit: Type.Integer(),
    total: Type.Integer(),
    columns: Type.Array(ColumnSchema),
    rows: Type.Array(NameValues('A row: column name to value')),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof RowsPageSchema>, RowsPage>>(true);
