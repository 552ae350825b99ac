// Sizing the memory budget and each DuckDB's share of it.
import { describe, expect, it } from 'vitest';
import { budgetBytes, duckdbSize, instanceMemory, machineMemory, MiB } from './memory-budget';

describe('the memory budget', () => {
  it('is the parameter in MB, or half of the machine (or its container) when the parameter is 0', () => {
    expect(budgetBytes(512, 8192 * MiB)).toBe(512 * MiB);
    expect(budgetBytes(0, 8192 * MiB)).toBe(4096 * MiB);
    expect(budgetBytes(0)).toBe(Math.floor(machineMemory() / 2));
    expect(machineMemory()).toBeGreaterThan(0);
  });

  it("gives each instance's DuckDB a quarter, at least 64 MiB and never more than the budget", () => {
    expect(instanceMemory(4096 * MiB)).toEqual({ limitBytes: 1024 * MiB, maxTempBytes: 4096 * MiB });
    expect(instanceMemory(128 * MiB)).toEqual({ limitBytes: 64 * MiB, maxTempBytes: 128 * MiB });
    expect(instanceMemory(32 * MiB)).toEqual({ limitBytes: 32 * MiB, maxTempBytes: 32 * MiB });
  });

  it('writes sizes as DuckDB settings take them', () => {
    expect(duckdbSize(1024 * MiB)).toBe('1024MiB');
    expect(duckdbSize(64 * MiB + 5)).toBe('64MiB');
    expect(duckdbSize(10)).toBe('1MiB');
  });
});
