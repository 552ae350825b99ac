// The memory budget of package instances: the server parameter, its automatic value, each DuckDB's share.
import os from 'node:os';

export const MiB = 1024 * 1024;

/**
 * Each instance's DuckDB may hold this fraction of the budget, so that four heavy queries fill it
 * together and one alone cannot: DuckDB refuses (or spills) past it before the watchdog has to act.
 */
export const INSTANCE_SHARE = 1 / 4;

/** Below this an instance's DuckDB can do little more than start. */
const MIN_INSTANCE_BYTES = 64 * MiB;

/** The machine's memory, or its container's limit (cgroup) when that is lower: what the server can really get. */
export function machineMemory(): number {
  const total = os.totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * The budget in bytes: the parameter memoryBudgetMB, or, when it is 0, half of the machine's memory
 * (the other half for Node itself, the operating system, its file cache and other programs).
 */
export function budgetBytes(parameterMB: number, machine: number = machineMemory()): number {
  return parameterMB > 0 ? parameterMB * MiB : Math.floor(machine / 2);
}

export interface InstanceMemory {
  /** DuckDB memory_limit of one instance. */
  limitBytes: number;
  /** DuckDB max_temp_directory_size of one instance: it may spill the whole budget's worth to disk, no more. */
  maxTempBytes: number;
}

export function instanceMemory(budget: number): InstanceMemory {
  const limitBytes = Math.min(budget, Math.max(MIN_INSTANCE_BYTES, Math.floor(budget * INSTANCE_SHARE)));
  return { limitBytes, maxTempBytes: Math.max(budget, limitBytes) };
}

/** A size as DuckDB settings take it, in whole MiB. */
export function duckdbSize(bytes: number): string {
  return `${Math.max(1, Math.floor(bytes / MiB))}MiB`;
}

/** Whole megabytes (MiB) for messages. */
export function mb(bytes: number): string {
  return `${Math.round(bytes / MiB)} MB`;
}
