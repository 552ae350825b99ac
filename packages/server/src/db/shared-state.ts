// The state every node of a server must agree on (users, logins, parameters, audit log, execution history, package files' records), opened on SQLite or PostgreSQL.
import type { LoginStore } from '../auth/login-sessions';
import type { UserStore } from '../auth/user-store';
import type { ReadinessCheck } from '../health/readiness';
import type { PackageFileStore } from '../workspace/package-files';
import type { AuditLog } from './audit-log';
import type { ExecutionHistoryStore } from './execution-history';
import type { ParameterStore } from './parameter-store';

/** What another process or node changed, as the watch tells it. */
export interface StateChanges {
  /** Users changed (roles, blocked, password, added, removed): the caches are fresh again by now. */
  users(): void;
  /** Parameters changed: `params.refresh()` takes them in. */
  parameters(): void;
  /** A login ended elsewhere (logout, idle): it ends here too. */
  loginEnded(tokenHash: string): void;
  /** The watch failed; it carries on (the next change is looked for again). */
  error(err: unknown): void;
}

export interface SharedState {
  /** `sqlite` (one server, the data directory's file) or `postgres` (a cluster's shared database). */
  readonly kind: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly logins: LoginStore;
  readonly params: ParameterStore;
  readonly audit: AuditLog;
  readonly history: ExecutionHistoryStore;
  /** Package files' first creation and last save through Flowport (the version behind SAVE_CONFLICT). */
  readonly files: PackageFileStore;
  /** The readiness check of the database. */
  readonly check: ReadinessCheck;
  /**
   * Hears of changes made by another process (`flowport users|params`) or node, within a second:
   * SQLite's data_version looked at every second, or PostgreSQL's LISTEN/NOTIFY.
   */
  watch(changes: StateChanges): void;
  close(): Promise<void>;
}
