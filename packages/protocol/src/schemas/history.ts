// Schemas of the backups of unsaved work and of the execution history.
import { Type, type Static } from '@sinclair/typebox';
import type { ExecutionHistoryEntry } from '../manager';
import type { BackupDto } from '../packages';
import { OneOf, Same, sameType } from './common';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const BackupSchema = Type.Object(
  {
    id: Type.String({ description: 'Its path inside the backup folder: what open and discard name' }),
    file: Type.String(),
    user: Type.String(),
    session: Type.String(),
    name: Type.String(),
    path: Nullable(Type.String()),
    reason: Type.String({ description: 'administrator, timeout, shutdown or client' }),
    by: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
    size: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof BackupSchema>, BackupDto>>(true);

export const BackupListSchema = Type.Object({ backups: Type.Array(BackupSchema) }, { additionalProperties: false });
export const BackupSourceSchema = Type.Object({ yaml: Type.String() }, { additionalProperties: false });
export const BackupQuerySchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 2048, description: 'The backup, as listed' }) },
  { additionalProperties: false },
);

export const ExecutionHistoryEntrySchema = Type.Object(
  {
    id: Type.String(),
    user: Nullable(Type.String()),
    kind: Nullable(Type.String()),
    package: Type.String(),
    path: Nullable(Type.String()),
    node: Nullable(Type.String()),
    startedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Number({ minimum: 0 }),
    outcome: OneOf(['done', 'failed', 'stopped'] as const),
    error: Nullable(Type.String()),
    stoppedBy: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof ExecutionHistoryEntrySchema>, ExecutionHistoryEntry>>(true);

export const ExecutionListSchema = Type.Object(
  { executions: Type.Array(ExecutionHistoryEntrySchema) },
  { additionalProperties: false },
);
export const ExecutionQuerySchema = Type.Object(
  {
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Words found in who, package, node or outcome' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Newest first' })),
  },
  { additionalProperties: false },
);
