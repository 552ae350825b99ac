// The process's hard memory ceiling: an operating-system limit on its data segment, under which DuckDB's one-call allocations fail.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { mb, MiB } from './memory-budget';

/** Above the budget: what Node itself, its buffers and DuckDB's working copies may take besides. */
const HEADROOM_SHARE = 1 / 4;
const MIN_HEADROOM = 1024 * MiB;

/**
 * The ceiling in bytes: the start-up option processMemoryLimitMB when set, none when it is 0, else
 * the memory budget plus a quarter of the machine (three quarters of it with the automatic budget).
 */
export function ceilingBytes(optionMB: number | null, budget: number, machine: number): number | null {
  if (optionMB === 0) return null;
  if (optionMB !== null) return optionMB * MiB;
  return budget + Math.max(MIN_HEADROOM, Math.floor(machine * HEADROOM_SHARE));
}

/** The soft RLIMIT_DATA of this process now (Linux), or null when it is unlimited or cannot be read. */
export function currentDataLimit(): number | null {
  try {
    const line = /^Max data size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line && line[1] !== 'unlimited' ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

/** The process's data segment now (VmData of /proc/self/status: what RLIMIT_DATA counts), or null off Linux. */
export function dataSegmentBytes(): number | null {
  try {
    const kb = /^VmData:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Sets the soft RLIMIT_DATA of this process (the hard limit stays, so it can be raised again).
 *
 * Why: DuckDB builds some values in one function call (`repeat()`, `range()` into a list) with its
 * plain allocator, past its memory_limit and deaf to interrupts until the call returns; nothing in
 * the process can stop it, but a malloc the kernel refuses makes DuckDB fail that call with "Out of
 * Memory Error … (bad allocation)" while the server goes on. Written here because Node has no
 * setrlimit: util-linux's `prlimit` (in every Debian/Ubuntu base system) sets it on our own pid.
 */
export function applyDataLimit(bytes: number, log: Logger): void {
  if (process.platform !== 'linux') {
    log.warn({ platform: process.platform }, 'memory ceiling not set: only on Linux');
    return;
  }
  const res = spawnSync('prlimit', ['--pid', String(process.pid), `--data=${bytes}:`], { encoding: 'utf8' });
  const now = currentDataLimit();
  if (res.status !== 0 || now !== bytes) {
    log.warn(
      { wanted: bytes, now, error: res.error?.message ?? res.stderr?.trim() },
      'memory ceiling of the process could not be set (is util-linux prlimit installed?)',
    );
    return;
  }
  log.info({ ceiling: mb(bytes) }, 'memory ceiling of the process (its data segment)');
}
