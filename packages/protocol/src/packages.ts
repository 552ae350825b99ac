// Package, node and Studio-session DTOs of the session API (docs/http-api.md).
import type { ErrorCode } from './errors';

export type NodeState = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
export type NodeKind = 'import' | 'input' | 'sql' | 'call' | 'export';
export type NodeAccess = 'private' | 'public' | 'published';

export interface Progress {
  /**
   * 0..100: (nodesDone + the running statement's fraction) / nodesTotal × 100. While `indeterminate`, the
   * last figure that was known (the page shows a moving bar instead of it).
   */
  percent: number;
  /** Id of the node being activated. */
  node: string;
  /** ISO time the node's activation started. */
  nodeStartedAt: string;
  /** Nodes of this execution already activated. */
  nodesDone: number;
  /** Nodes this execution activates (the asked node and the nodes it needs). */
  nodesTotal: number;
  /** True while the running statement has no DuckDB progress figure (DuckDB reports −1): draw no number. */
  indeterminate?: boolean;
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
  /** The version of the file the package was loaded from or last saved to; sent back with a save. */
  fileVersion: string | null;
  progress?: Progress;
  nodes: NodeDto[];
  variables: VariableDto[];
  issues: PackageIssue[];
}

/** Who changed a package file and when: a save through Flowport names its user; else the file's mtime. */
export interface FileChange {
  /** The user of the last save through Flowport, when that save made the file as it is now. */
  savedBy: string | null;
  /** ISO time of the change (the save, else the file's modification time); null when the file was removed. */
  at: string | null;
  removed: boolean;
}

/** POST .../save: `path` for Save as; `baseVersion` is the fileVersion the designer opened; `overwrite` skips the check. */
export interface SaveRequest {
  path?: string;
  baseVersion?: string | null;
  overwrite?: boolean;
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
  /** The file of an open package changed since it was opened or saved here (on disk or by another designer). */
  | { type: 'file-changed'; packageId: string; path: string; fileVersion: string | null; change: FileChange }
  | {
      type: 'session-closed';
      reason: 'administrator' | 'client' | 'timeout' | 'shutdown';
      by?: string;
      /** File names of the backups of its unsaved work (see GET /api/backups). */
      backups?: string[];
    }
  | {
      type: 'stopped-by-administrator';
      packageId: string | null;
      by: string;
      /** What was stopped: each package's name and the node it was executing, when known. */
      stopped: { packageId: string; name: string; node: string | null }[];
    }
  | { type: 'ping' };

/** A backup of unsaved work, written when a Studio session or package was closed with changes not saved. */
export interface BackupDto {
  /** Its path inside the backup folder, `<session folder>/<file>`: what open and discard name. */
  id: string;
  /** The file name, as the closed-session notice names it. */
  file: string;
  user: string;
  session: string;
  /** The package's name and the storage path it was opened from (null for a draft). */
  name: string;
  path: string | null;
  /** Why the session or package was closed: administrator, timeout, shutdown or client. */
  reason: string;
  by: string | null;
  at: string;
  size: number;
}
