// Schemas of the Session Manager API: the snapshot, its actions and their answers.
import { Type, type Static } from '@sinclair/typebox';
import type { ManagerSnapshot } from '../manager';
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
  node: Type.Optional(Type.String({ description: 'The cluster node that holds it (with --redis-url)' })),
};

export const ManagerPackageSchema = Type.Object(packageFields, { additionalProperties: false });

export const ManagerSessionSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    user: Type.String(),
    kind: OneOf(['studio', 'integrator', 'batch'] as const),
    host: Type.String({ description: 'The client address' }),
    hostName: Type.Optional(Type.String({ description: 'Its DNS name, with ?resolveNames=true' })),
    role: Type.Union([RoleSchema, Type.Null()]),
    roles: Type.Array(RoleSchema),
    createdAt: ISO(),
    lastActivityAt: ISO(),
    running: Type.Boolean(),
    requestId: Type.Optional(Type.String()),
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
  { ...packageFields, checkedOut: Type.Boolean(), hits: Type.Integer(), lastUsedAt: ISO() },
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
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ManagerSnapshotSchema>, ManagerSnapshot>>(true);

export const SnapshotQuerySchema = Type.Object({
  resolveNames: Type.Optional(
    OneOf(['true', 'false', '1', '0'] as const, { description: 'Look up the host name of each client address' }),
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
