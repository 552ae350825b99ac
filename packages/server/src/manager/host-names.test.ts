// Reverse DNS lookups are cached, time out, and never block the caller.
import { describe, expect, it } from 'vitest';
import { HostNames } from './host-names';

describe('HostNames', () => {
  it('answers undefined at first and the name once the lookup finishes', async () => {
    let calls = 0;
    const h = new HostNames(async () => {
      calls++;
      return ['box.example'];
    });
    expect(h.lookup('10.0.0.1')).toBeUndefined();
    expect(await h.settle('10.0.0.1')).toBe('box.example');
    expect(h.lookup('10.0.0.1')).toBe('box.example');
    expect(calls).toBe(1);
  });

  it('shows the address itself when the lookup times out', async () => {
    const h = new HostNames(() => new Promise(() => {}), 20);
    expect(await h.settle('10.0.0.2')).toBe('10.0.0.2');
  });

  it('resolves loopback to localhost without a resolver', async () => {
    const h = new HostNames();
    expect(await h.settle('127.0.0.1')).toBe('localhost');
  });

  it('tells listeners when a name becomes known', async () => {
    const h = new HostNames(async () => ['n1']);
    const seen: string[] = [];
    h.onResolved((ip, name) => seen.push(`${ip}=${name}`));
    await h.settle('10.0.0.3');
    expect(seen).toEqual(['10.0.0.3=n1']);
  });
});
