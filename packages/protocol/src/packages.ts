// Package, node and Studio-session DTOs of the session API (docs/http-api.md).
import type { ErrorCode } from './errors';

export type NodeState = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
export type NodeKind = 'import' | 'input' | 'sql' | 'call' | 'export';
export type NodeAccess = 'private' | 'public' | 'published';

export interface Progress {
  /** 0..100 */
  percent: number;
  /** Id of the node being activated. */
  node: string;
  /** ISO time the node's activation started. */
  nodeStartedAt: string;
}

export interface NodeDto {
  id: string;
  kind: NodeKind;
  access: NodeAccess;
  state: NodeState;
  rows?: number;
  durationMs?: number;
  error?: string;
}

export interface PackageIssue {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface VariableDto {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date';
  nullable: boolean;
  default: unknown;
}

export interface PackageDto {
  id: string;
  name: string;
  version: string;
  path: string | null;
  dirty: boolean;
  running: boolean;
  readOnly: boolean;
  createdAt: string | null;
  savedAt: string | null;
  progress?: Progress;
  nodes: NodeDto[];
  variables: VariableDto[];
  issues: PackageIssue[];
}

export interface SessionCreated {
  id: string;
  name: string;
}

export interface StorageEntry {
  name: string;
  path: string;
  type: 'folder' | 'package' | 'file';
  size?: number;
  modifiedAt?: string;
}

export interface StorageListing {
  path: string;
  entries: StorageEntry[];
}

export interface RunRequest {
  node?: string;
  variables?: Record<string, unknown>;
}

export interface RowsPage {
  node: string;
  offset: number;
  limit: number;
  total: number;
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

/** Events pushed on a Studio session's WebSocket. */
export type SessionEvent =
  | { type: 'hello'; session: SessionCreated }
  | { type: 'package'; package: PackageDto }
  | { type: 'node-started'; packageId: string; node: string; at: string }
  | { type: 'progress'; packageId: string; progress: Progress }
  | { type: 'node-finished'; packageId: string; node: string; rows: number; durationMs: number }
  | { type: 'node-failed'; packageId: string; node: string; error: string }
  | {
      type: 'run-finished';
      packageId: string;
      outcome: 'done' | 'failed' | 'cancelled';
      error?: string;
      /** The error's code, e.g. MEMORY_LIMIT when the server stopped the run for memory. */
      code?: ErrorCode;
    }
  | { type: 'package-closed'; packageId: string; byAdministrator: boolean }
  | { type: 'session-closed'; reason: 'administrator' | 'client' | 'timeout' | 'shutdown'; by?: string }
  | { type: 'stopped-by-administrator'; packageId: string | null; by: string }
  | { type: 'ping' };
