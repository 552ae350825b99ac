// Schemas of the Session Manager API: the snapshot, its actions and their answers.
import { Type, type Static } from '@sinclair/typebox';
import type { ManagerSnapshot, ServerStats, ServerStatsSample } from '../manager';
import { OneOf, RoleSchema, Same, sameType } from './common';
import { ProgressSchema } from './packages';

const ISO = () => Type.String({ format: 'date-time' });
const NullableISO = () => Type.Union([ISO(), Type.Null()]);

const packageFields = {
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  path: Type.Union([Type.String(), Type.Null()]),
  createdAt: NullableISO(),
  savedAt: NullableISO(),
  lastActivityAt: ISO(),
  running: Type.Boolean(),
  dirty: Type.Optional(Type.Boolean()),
  progress: Type.Optional(ProgressSchema),
  runningSince: Type.Optional(ISO()),
  memoryBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'DuckDB memory of its instance' })),
  node: Type.Optional(Type.String({ description: 'The cluster node that holds it (with --redis-url)' })),
};

export const ManagerPackageSchema = Type.Object(packageFields, { additionalProperties: false });

export const ManagerSessionSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    user: Type.String(),
    kind: OneOf(['studio', 'integrator', 'batch', 'manager'] as const),
    host: Type.String({ description: 'The client address' }),
    hostName: Type.Optional(Type.String({ description: 'Its DNS name, with ?resolveNames=true' })),
    role: Type.Union([RoleSchema, Type.Null()]),
    roles: Type.Array(RoleSchema),
    createdAt: ISO(),
    lastActivityAt: ISO(),
    running: Type.Boolean(),
    requestId: Type.Optional(Type.String()),
    runningSince: Type.Optional(ISO()),
    memoryBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'DuckDB memory of its packages, summed' })),
    packages: Type.Array(ManagerPackageSchema),
    node: Type.Optional(Type.String({ description: 'The cluster node the session lives on (with --redis-url)' })),
  },
  { additionalProperties: false },
);

export const ManagerSharedPackageSchema = Type.Object(
  {
    ...packageFields,
    refCount: Type.Integer(),
    referencedBy: Type.Array(
      Type.Object(
        {
          name: Type.String({ description: 'Session name, or "server (pool)" for the pool' }),
          sessionId: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
    stale: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ManagerPoolItemSchema = Type.Object(
  {
    ...packageFields,
    instanceId: Type.String({ description: 'Tells pooled instances of one package apart' }),
    checkedOut: Type.Boolean(),
    hits: Type.Integer(),
    lastUsedAt: ISO(),
  },
  { additionalProperties: false },
);

export const ClusterNodeSchema = Type.Object(
  {
    name: Type.String(),
    state: OneOf(['live', 'lost'] as const),
    lastSeenAt: ISO(),
    pool: Type.Object({ size: Type.Integer(), max: Type.Integer() }, { additionalProperties: false }),
    sessions: Type.Integer(),
    self: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ManagerWatchSchema = Type.Object(
  {
    warnSeconds: Type.Integer({ description: 'Running longer: amber' }),
    alertSeconds: Type.Integer({ description: 'Running longer: red' }),
    limitSeconds: Type.Integer({ description: 'The server stops executions running longer (0: off)' }),
    idleSeconds: Type.Integer({ description: 'The server closes Studio sessions idle longer (0: off)' }),
  },
  { additionalProperties: false },
);

export const ManagerSnapshotSchema = Type.Object(
  {
    version: Type.Integer(),
    serverTime: ISO(),
    sessions: Type.Array(ManagerSessionSchema),
    shared: Type.Array(ManagerSharedPackageSchema),
    pool: Type.Object(
      { max: Type.Integer(), items: Type.Array(ManagerPoolItemSchema), hits: Type.Integer(), misses: Type.Integer() },
      { additionalProperties: false },
    ),
    node: Type.Optional(Type.String({ description: 'The node answering (with --redis-url)' })),
    nodes: Type.Optional(Type.Array(ClusterNodeSchema, { description: 'Every node of the cluster' })),
    degraded: Type.Optional(Type.Boolean({ description: 'Redis cannot be reached: the rows are this node’s alone' })),
    watch: Type.Optional(ManagerWatchSchema),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ManagerSnapshotSchema>, ManagerSnapshot>>(true);

export const ServerStatsSampleSchema = Type.Object(
  {
    t: Type.Integer({ description: 'Epoch ms of the sample' }),
    cpuPercent: Type.Number({ minimum: 0, description: 'Process CPU over the interval, percent of one core' }),
    rssBytes: Type.Integer({ minimum: 0 }),
    heapBytes: Type.Integer({ minimum: 0 }),
    duckdbBytes: Type.Integer({ minimum: 0, description: 'DuckDB memory of all package instances' }),
    budgetBytes: Type.Integer({ minimum: 0, description: 'The memory budget of package instances' }),
    loopDelayMs: Type.Number({ minimum: 0, description: 'Event-loop delay, p99 over the interval' }),
    running: Type.Integer({ minimum: 0, description: 'Executions running' }),
    integratorPerSecond: Type.Number({ minimum: 0 }),
    integratorP95Ms: Type.Number({ minimum: 0, description: 'p95 of the interval’s Integrator calls; 0 when none' }),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ServerStatsSampleSchema>, ServerStatsSample>>(true);

export const ServerStatsSchema = Type.Object(
  {
    node: Type.Optional(Type.String({ description: 'The node answering (with --redis-url)' })),
    intervalMs: Type.Integer(),
    samples: Type.Array(ServerStatsSampleSchema, { description: 'The last 15 minutes, oldest first' }),
    others: Type.Optional(
      Type.Array(
        Type.Object(
          { node: Type.String(), samples: Type.Array(ServerStatsSampleSchema) },
          { additionalProperties: false },
        ),
        { description: 'With --redis-url: every other live node’s samples of the same 15 minutes' },
      ),
    ),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ServerStatsSchema>, ServerStats>>(true);

export const SnapshotQuerySchema = Type.Object({
  resolveNames: Type.Optional(
    OneOf(['true', 'false', '1', '0'] as const, { description: 'Look up the host name of each client address' }),
  ),
});

export const LiveQuerySchema = Type.Object({
  ...SnapshotQuerySchema.properties,
  wire: Type.Optional(
    OneOf(['full', 'compact'] as const, {
      description:
        'compact: frames with each package file once per frame, times in epoch ms and defaults left out ' +
        '(about a third of the size; decodeLiveFrame in @flowport/protocol gives the full frames back)',
    }),
  ),
});

export const ManagerIdParamsSchema = Type.Object({ id: Type.String() });

export const SessionsStoppedSchema = Type.Object(
  { stopped: Type.Integer({ description: 'Executions stopped' }) },
  { additionalProperties: false },
);
export const SessionClosedSchema = Type.Object(
  { closed: Type.Integer({ description: 'Packages closed with the session' }) },
  { additionalProperties: false },
);
export const PackageStoppedSchema = Type.Object({ stopped: Type.Literal(true) }, { additionalProperties: false });
export const PackageClosedSchema = Type.Object({ closed: Type.Literal(true) }, { additionalProperties: false });
export const PoolClearedSchema = Type.Object(
  {
    removed: Type.Integer({ description: 'Instances removed from the pool' }),
    nodes: Type.Optional(
      Type.Array(Type.Object({ node: Type.String(), removed: Type.Integer() }, { additionalProperties: false }), {
        description: 'Per node, in a cluster',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PoolClearQuerySchema = Type.Object({
  node: Type.Optional(
    Type.String({ description: 'In a cluster: the node whose pool to empty; absent: every node', minLength: 1 }),
  ),
});
