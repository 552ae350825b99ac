// The Integrator's admission queue: a fixed number run, the rest wait in order, an aborted waiter leaves.
import { describe, expect, it } from 'vitest';
import { CallLimiter } from './call-limiter';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('CallLimiter', () => {
  it('runs at most `size` at once and admits waiters in arrival order', async () => {
    const limiter = new CallLimiter(() => 2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((s) => (order.push('c'), s));
    const d = limiter.acquire().then((s) => (order.push('d'), s));
    await tick();
    expect(order).toEqual([]);
    expect(limiter.queued).toBe(2);
    a.release();
    a.release(); // twice is once
    await tick();
    expect(order).toEqual(['c']);
    b.release();
    await tick();
    expect(order).toEqual(['c', 'd']);
    (await c).release();
    (await d).release();
    expect(limiter.active).toBe(0);
  });

  it('gives a free slot at once without a promise, and none while a call waits its turn', async () => {
    const limiter = new CallLimiter(() => 1);
    const first = limiter.tryAcquire();
    expect(first).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    const waiting = limiter.acquire();
    first!.release(); // the waiter is admitted before anyone who asks later
    expect(limiter.tryAcquire()).toBeUndefined();
    (await waiting).release();
    const again = limiter.tryAcquire();
    expect(again).toBeDefined();
    again!.release();
    expect(limiter.active).toBe(0);
  });

  it('drops a waiter whose signal aborts, with the signal reason', async () => {
    const limiter = new CallLimiter(() => 1);
    const first = await limiter.acquire();
    const ctl = new AbortController();
    const waiting = limiter.acquire(ctl.signal);
    ctl.abort('gone');
    await expect(waiting).rejects.toBe('gone');
    expect(limiter.queued).toBe(0);
    first.release();
    expect(limiter.active).toBe(0);
  });

  it('reads the size at each admission and refuses beyond the waiting cap', async () => {
    let size = 1;
    const limiter = new CallLimiter(() => size, 1);
    const first = await limiter.acquire();
    const second = limiter.acquire();
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    size = 3;
    expect((await limiter.acquire()).release).toBeTypeOf('function');
    first.release();
    await second;
    expect(limiter.active).toBe(2);
  });
});
