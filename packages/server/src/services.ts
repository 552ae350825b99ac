// The services the composition root wires together and hands to every route plugin.
import type { Logger } from 'pino';
import type { AuthService } from './auth/auth-service';
import type { UserStore } from './auth/user-store';
import type { FlowportConfig } from './config/config';
import type { AuditLog } from './db/audit-log';
import type { DataPaths } from './data-dir';
import type { Db } from './db/database';
import type { ParameterStore } from './db/parameter-store';
import type { SharedState } from './db/shared-state';
import type { FlowportMetrics } from './metrics/flowport-metrics';
import type { InFlightCalls } from './workspace/call-cancellation';
import type { Workspace } from './workspace/workspace';

export interface AppServices {
  config: FlowportConfig;
  paths: DataPaths;
  /** The SQLite connection, without --database-url only. */
  db?: Db;
  state: SharedState;
  params: ParameterStore;
  users: UserStore;
  audit: AuditLog;
  auth: AuthService;
  logger: Logger;
  workspace: Workspace;
  metrics: FlowportMetrics;
  /** Integrator and batch calls in flight: cancelled, and new ones refused, when the server stops. */
  inFlight: InFlightCalls;
}
