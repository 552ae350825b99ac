// Public surface of the package engine.
export { parsePackage, MAX_PACKAGE_BYTES, MAX_PACKAGE_NODES, type ParseResult } from './package-parser';
export { parsePackageOffThread } from './parse-pool';
export { packageSchema, PACKAGE_SCHEMA_ID } from './package-schema';
export { checkGraph, checkReferences, executionOrder, findCycle, type ReferencedPackage } from './package-graph';
export {
  loadPackage,
  describePackage,
  referenceSite,
  type LoadedPackageFile,
  type PackageSummary,
} from './package-loader';
export {
  PackageRuntime,
  type PackageRuntimeOptions,
  type ReferenceResolver,
  type RunOptions,
  type RunResult,
  type RowSink,
  type RunProgress,
  type NodeEvent,
} from './package-runtime';
export { ensureExampleData, installExamples, CUSTOMERS_PATH } from './example-data';
export type { PackageDef, NodeDef, ReferenceDef, VariableDef, ValueType, FileFormat } from './package-types';
export { variableDtos } from './variable-dtos';
export type { ColumnInfo } from './json-values';
