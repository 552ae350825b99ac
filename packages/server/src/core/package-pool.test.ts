// The pool's bookkeeping on its own: LRU order, per-path most recent first, resize.
import { describe, expect, it } from 'vitest';
import { InstanceRecord } from './package-instance';
import { PackagePool } from './package-pool';

function rec(id: string, path: string, fileVersion = 'v1') {
  const r = new InstanceRecord<null>(id, 'pool', 0);
  r.path = path;
  r.fileVersion = fileVersion;
  return r;
}

describe('PackagePool', () => {
  it('takes the most recently returned idle instance of a path and version', () => {
    const pool = new PackagePool<null>(5);
    const [a, b, c] = [rec('a', 'p'), rec('b', 'p'), rec('c', 'p', 'v0')];
    pool.putIdle(a);
    pool.putIdle(b);
    pool.putIdle(c);
    expect(pool.takeIdle('p', 'v1')).toBe(b);
    expect(pool.takeIdle('p', 'v1')).toBe(a);
    expect(pool.takeIdle('p', 'v1')).toBeUndefined();
    expect(pool.idleCount).toBe(1);
  });

  it('evicts the least recently used across paths when over the maximum', () => {
    const pool = new PackagePool<null>(2);
    const [a, b, c] = [rec('a', 'p'), rec('b', 'q'), rec('c', 'p')];
    expect(pool.putIdle(a)).toEqual([]);
    expect(pool.putIdle(b)).toEqual([]);
    expect(pool.putIdle(c)).toEqual([a]);
    expect(pool.resize(1)).toEqual([b]);
    expect(pool.idleOf('p')).toEqual([c]);
    expect(pool.idleOf('q')).toEqual([]);
  });

  it('keeps loans apart from the idle set', () => {
    const pool = new PackagePool<null>(1);
    const a = rec('a', 'p');
    pool.lend(a);
    expect(a.checkedOut).toBe(true);
    expect(pool.idleCount).toBe(0);
    expect(pool.checkedOutCount).toBe(1);
    pool.endLoan(a);
    expect(pool.has(a)).toBe(false);
  });
});
