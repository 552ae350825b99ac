// The login limits: places reserved before the password is judged, per account and per client, under any interleaving.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../test/support/core-kit';
import { isDomainError } from '../shared/domain-error';
import { LoginLimiter, type LoginAttempt } from './login-limiter';

const LOCKOUT_S = 300;

function limiter(attempts = 5) {
  const clock = new ManualClock(0);
  return { clock, limits: new LoginLimiter(clock, () => ({ attempts, lockoutSeconds: LOCKOUT_S })) };
}

/** The attempt, or the error code it was refused with. */
function tryReserve(l: LoginLimiter, user: string, client: string): LoginAttempt | string {
  try {
    return l.reserve(user, client);
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
}

describe('login limits', () => {
  it('give at most `limit` places at once to an account, however many ask before any is settled', () => {
    const { limits } = limiter(5);
    const results = Array.from({ length: 300 }, (_, i) => tryReserve(limits, 'admin', `10.0.${i >> 8}.${i & 255}`));
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(5);
    expect(new Set(results.filter((r) => typeof r === 'string'))).toEqual(new Set(['LOGIN_LOCKED']));
  });

  it('give at most `limit` places at once to a client, over any accounts', () => {
    const { limits } = limiter(5);
    const results = Array.from({ length: 50 }, (_, i) => tryReserve(limits, `user${i}`, '10.0.0.1'));
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(5);
  });

  it('give a released place back, and lock once the failures reach the limit, until the lockout ends', () => {
    const { clock, limits } = limiter(3);
    (limits.reserve('ann', 'a') as LoginAttempt).released();
    for (let i = 0; i < 3; i++) (limits.reserve('ann', `c${i}`) as LoginAttempt).failed();
    expect(tryReserve(limits, 'ann', 'other')).toBe('LOGIN_LOCKED');
    clock.advance(LOCKOUT_S * 1000 - 1);
    expect(tryReserve(limits, 'ann', 'other')).toBe('LOGIN_LOCKED');
    clock.advance(1);
    expect(typeof tryReserve(limits, 'ann', 'other')).toBe('object');
  });

  it('say how long a lock lasts, and a second for places still in flight', () => {
    const { clock, limits } = limiter(1);
    const a = limits.reserve('ann', 'x');
    expect(() => limits.reserve('ann', 'y')).toThrow(/in progress.*try again in 1 s/);
    a.failed();
    clock.advance(100_000);
    expect(() => limits.reserve('ann', 'y')).toThrow(/Too many failed logins; try again in 200 s/);
  });

  it('forget failures a lockout time after the first of them when no lock came', () => {
    const { clock, limits } = limiter(3);
    for (let i = 0; i < 2; i++) limits.reserve('ann', `c${i}`).failed();
    clock.advance(LOCKOUT_S * 1000);
    for (let i = 0; i < 2; i++) limits.reserve('ann', `d${i}`).failed();
    expect(typeof tryReserve(limits, 'ann', 'e')).toBe('object');
  });

  it('let a success take back its own account’s failures from its own client only', () => {
    const { limits } = limiter(3);
    // From one address: two wrong guesses on bob, then a right one on mallory's own account.
    limits.reserve('bob', '10.6.6.6').failed();
    limits.reserve('bob', '10.6.6.6').failed();
    limits.reserve('mallory', '10.6.6.6').succeeded();
    // The address still has bob's two failures: one more guess, on anyone, locks it.
    limits.reserve('carol', '10.6.6.6').failed();
    expect(tryReserve(limits, 'mallory', '10.6.6.6')).toBe('LOGIN_LOCKED');
    // And bob's account still has its two failures from that address, whoever logs in elsewhere.
    limits.reserve('bob', '10.1.1.1').succeeded();
    limits.reserve('bob', '10.2.2.2').failed();
    expect(tryReserve(limits, 'bob', '10.3.3.3')).toBe('LOGIN_LOCKED');
  });

  it('let a user who mistyped log in and start afresh from the same address', () => {
    const { limits } = limiter(3);
    limits.reserve('ann', 'home').failed();
    limits.reserve('ann', 'home').failed();
    limits.reserve('ann', 'home').succeeded();
    limits.reserve('ann', 'home').failed();
    limits.reserve('ann', 'home').failed();
    expect(typeof tryReserve(limits, 'ann', 'home')).toBe('object');
  });

  it('drop counters whose window passed once there are many, without scanning live ones on every attempt', () => {
    const { clock, limits } = limiter(5);
    const inside = limits as unknown as { counters: Map<string, unknown>; prune(): void };
    const counters = () => inside.counters.size;
    const scans = vi.spyOn(inside, 'prune');
    // 60,000 guesses at unknown names from as many addresses: 120,000 live counters, none to drop yet.
    for (let i = 0; i < 60_000; i++) limits.reserve(`name-${i}`, `a-${i}`).failed();
    expect(counters()).toBe(120_000);
    clock.advance(LOCKOUT_S * 1000);
    // Past twice what the last scan left, the next scan drops all the old ones.
    for (let i = 0; i < 45_000; i++) limits.reserve(`later-${i}`, `b-${i}`).failed();
    expect(counters()).toBeLessThan(100_000);
    expect(scans).toHaveBeenCalledTimes(2); // past 100,000 counters, and past twice what that scan left
    expect(typeof tryReserve(limits, 'name-1', 'a-1')).toBe('object');
  });

  it('settle an attempt once: a second settling changes nothing', () => {
    const { limits } = limiter(2);
    const a = limits.reserve('ann', 'x');
    a.failed();
    a.failed();
    a.released();
    a.succeeded();
    expect(typeof tryReserve(limits, 'ann', 'y')).toBe('object');
  });
});

// ---- property: any interleaving of reservations, settlements and time ----

const USERS = 3;
const CLIENTS = 3;
type Op =
  | { t: 'reserve'; user: number; client: number }
  | { t: 'settle'; pick: number; outcome: 'failed' | 'succeeded' | 'released' }
  | { t: 'wait'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant('reserve' as const), user: fc.nat(USERS - 1), client: fc.nat(CLIENTS - 1) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('settle' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom('failed' as const, 'succeeded' as const, 'released' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2 * LOCKOUT_S * 1000 }) }),
  },
);

/**
 * The rule as a client sees it, kept per key (an account or a client): a window opens with a
 * failure and lasts the lockout time, or, when its failures reach the limit, until the lockout
 * time after the one that reached it; a success takes back the failures of its own account from
 * its own client in the current window, unless that key is locked.
 */
interface KeyModel {
  failures: number;
  pending: number;
  byOther: Map<string, number>;
  since: number;
  lockedUntil: number;
  /** Wrong passwords judged in the window: failed, or still in flight, less those a success took back. */
  judged: number;
}

describe('login limits, for any interleaving', () => {
  it('never judge more than `limit` wrong passwords per account or client in a window, nor any while locked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 150 }), (limit, ops) => {
        const { clock, limits } = limiter(limit);
        const L = LOCKOUT_S * 1000;
        const keys = new Map<string, KeyModel>();
        const key = (k: string): KeyModel => {
          let m = keys.get(k);
          if (!m)
            keys.set(k, (m = { failures: 0, pending: 0, byOther: new Map(), since: 0, lockedUntil: 0, judged: 0 }));
          const now = clock.now();
          if (
            (m.lockedUntil > 0 && m.lockedUntil <= now) ||
            (m.lockedUntil === 0 && m.failures > 0 && now - m.since >= L)
          ) {
            m.failures = 0;
            m.judged = m.pending;
            m.byOther.clear();
            m.lockedUntil = 0;
          }
          return m;
        };
        const open: { attempt: LoginAttempt; user: string; client: string }[] = [];
        for (const o of ops) {
          if (o.t === 'wait') {
            clock.advance(o.ms);
          } else if (o.t === 'reserve') {
            const user = `u${o.user}`;
            const client = `c${o.client}`;
            const [a, c] = [key(`u:${user}`), key(`c:${client}`)];
            const lockedNow = a.lockedUntil > clock.now() || c.lockedUntil > clock.now();
            const r = tryReserve(limits, user, client);
            if (typeof r === 'string') {
              expect(r).toBe('LOGIN_LOCKED');
              continue;
            }
            // Granted: never while the rule says locked, and the place counts at once.
            expect(lockedNow).toBe(false);
            open.push({ attempt: r, user, client });
            for (const m of [a, c]) {
              m.pending++;
              m.judged++;
            }
          } else if (open.length) {
            const [{ attempt, user, client }] = open.splice(o.pick % open.length, 1);
            attempt[o.outcome]();
            const sides = [
              [key(`u:${user}`), client],
              [key(`c:${client}`), user],
            ] as const;
            for (const [m, other] of sides) {
              m.pending--;
              if (o.outcome === 'released') m.judged--;
              if (o.outcome === 'succeeded') {
                m.judged--;
                if (m.lockedUntil <= clock.now()) {
                  const own = m.byOther.get(other) ?? 0;
                  m.failures -= own;
                  m.judged -= own;
                  m.byOther.delete(other);
                }
              }
              if (o.outcome === 'failed') {
                if (m.failures === 0) m.since = clock.now();
                m.failures++;
                m.byOther.set(other, (m.byOther.get(other) ?? 0) + 1);
                if (m.failures >= limit && m.lockedUntil === 0) m.lockedUntil = clock.now() + L;
              }
            }
          }
          for (const [k, m] of keys) {
            if (m.judged > limit)
              throw new Error(`${k}: ${m.judged} wrong passwords judged in a window, limit ${limit}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
