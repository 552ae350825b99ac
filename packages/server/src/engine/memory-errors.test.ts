import { describe, expect, it } from 'vitest';
import { outOfMemoryError, requestedBytes } from './memory-errors';

describe('DuckDB memory errors', () => {
  it('reads how much DuckDB asked for at once', () => {
    expect(requestedBytes('Out of Memory Error: failed to allocate data of size 4.0 GiB (56.0 KiB/2.9 GiB used)')).toBe(
      4 * 2 ** 30,
    );
    expect(
      requestedBytes('Out of Memory Error: could not allocate block of size 286.1 MiB (78.0 KiB/61.0 MiB used)'),
    ).toBe(Math.round(286.1 * 2 ** 20));
    expect(requestedBytes('Out of Memory Error: Failed to allocate block of 2147483648 bytes (bad allocation)')).toBe(
      2147483648,
    );
    expect(requestedBytes('Out of Memory Error: something else')).toBeUndefined();
  });

  it("tells the kernel's refusal (bad allocation) from DuckDB's own limit, with DuckDB's first line", () => {
    const kernel = outOfMemoryError(
      'big',
      'Out of Memory Error: Failed to allocate block of 2147483648 bytes (bad allocation)\n\nPossible solutions: …',
      '64MiB',
    );
    expect(kernel.code).toBe('MEMORY_LIMIT');
    expect(kernel.message).toBe(
      'Node "big" asked for more memory at once than the server process may take: Out of Memory Error: Failed to allocate block of 2147483648 bytes (bad allocation)',
    );
    expect(kernel.details).toMatchObject({ node: 'big', limit: 'process', requestedBytes: 2147483648 });

    const own = outOfMemoryError(
      'big',
      'Out of Memory Error: failed to pin block of size 256.0 KiB (60.8 MiB/61.0 MiB used)',
      '64MiB',
    );
    expect(own.message).toBe(
      'Node "big" needs more memory than one package instance may use (its DuckDB memory limit is 64MiB): Out of Memory Error: failed to pin block of size 256.0 KiB (60.8 MiB/61.0 MiB used)',
    );
    expect(own.details).toMatchObject({ limit: 'instance', memoryLimit: '64MiB', requestedBytes: 256 * 1024 });
  });
});
