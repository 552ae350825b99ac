// DuckDB refusing memory past its limit, reported as the server's MEMORY_LIMIT rather than as a failed node.
import { DomainError } from '../shared/domain-error';

/** DuckDB's buffer manager could not get memory within the instance's memory_limit. */
export function isOutOfMemory(message: string): boolean {
  return /^Out of Memory Error/m.test(message);
}

/**
 * The error for a node DuckDB stopped at the instance's limit: the first line of DuckDB's message
 * (its "possible solutions" are settings package SQL cannot change) after what happened.
 */
export function outOfMemoryError(node: string, message: string, memoryLimit: string): DomainError {
  const first = message.split('\n', 1)[0].trim();
  return new DomainError(
    'MEMORY_LIMIT',
    `Node "${node}" needs more memory than one package instance may use (its DuckDB memory limit is ${memoryLimit}): ${first}`,
    { node, limit: 'instance', memoryLimit },
  );
}
