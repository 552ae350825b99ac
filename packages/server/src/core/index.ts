// Public surface of the core bookkeeping: the facade and the types adapters need.
export { FlowportCore, type ClosedSession, type FlowportCoreOptions } from './flowport-core';
export type { LoadedPackage, LoadOptions, PackageLoader } from './package-loader';
export type { ReferenceSite } from './reference-cycles';
export type { InstanceGlance, InstanceInfo, InstanceKind } from './package-instance';
export type { OpenSessionOptions, SessionInfo } from './session-registry';
export type { Execution, ExecutionOutcome, ExecutionProgress, SettledExecution } from './execution';
export type { CoreCounts, ExecutionKind } from './core-counts';
export { CancelSource } from './execution';
export {
  mergeAffects,
  noAffects,
  type Affects,
  type CoreEvent,
  type CoreEventBody,
  type CoreListener,
  type PackageCloseReason,
  type PoolChange,
  type SessionCloseReason,
} from './core-events';
export type { ManagerDelta } from './manager-view';
export { POOL_HOLDER_NAME } from './shared-packages';
