// DuckDB refusing memory (past its limit, or refused by the operating system), reported as the server's MEMORY_LIMIT rather than as a failed node.
import { DomainError } from '../shared/domain-error';

/** DuckDB could not get memory: its buffer manager within the instance's memory_limit, or its allocator at all. */
export function isOutOfMemory(message: string): boolean {
  return /^Out of Memory Error/m.test(message);
}

/**
 * The allocator's own failure: malloc refused by the kernel (the process's memory ceiling, or a
 * machine out of memory) rather than DuckDB's accounting, which words its refusals "… (x/y used)".
 */
function isAllocationRefused(message: string): boolean {
  return /bad allocation|bad_alloc/i.test(message);
}

const UNITS: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** How much DuckDB asked for at once, from its message ("… of size 4.0 GiB", "… block of 2147483648 bytes"). */
export function requestedBytes(message: string): number | undefined {
  const m = /(?:of size|block of) ([\d.]+) ?(bytes|KiB|MiB|GiB|TiB)/.exec(message);
  return m ? Math.round(Number(m[1]) * UNITS[m[2]]) : undefined;
}

/**
 * The error for a node DuckDB stopped for memory: the first line of DuckDB's message (its "possible
 * solutions" are settings package SQL cannot change) after what happened.
 */
export function outOfMemoryError(node: string, message: string, memoryLimit: string): DomainError {
  const first = message.split('\n', 1)[0].trim();
  const requested = requestedBytes(first);
  if (isAllocationRefused(message)) return processLimitError(node, first, requested);
  return new DomainError(
    'MEMORY_LIMIT',
    `Node "${node}" needs more memory than one package instance may use (its DuckDB memory limit is ${memoryLimit}): ${first}`,
    { node, limit: 'instance', memoryLimit, requestedBytes: requested, duckdb: first },
  );
}

/** The kernel refused DuckDB's allocation: more at once than the process may still take. */
export function processLimitError(node: string, first: string, requested?: number): DomainError {
  return new DomainError(
    'MEMORY_LIMIT',
    `Node "${node}" asked for more memory at once than the server process may take: ${first}`,
    { node, limit: 'process', requestedBytes: requested },
  );
}
