import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/core-kit';
import { openDatabase, type Db } from '../db/database';
import { SqliteLoginStore } from '../db/login-store';
import { LoginSessions, type AccessEnded } from './login-sessions';

const HOUR = 60 * 60 * 1000;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function database(): Db {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-logins-'));
  const db = openDatabase(path.join(dir, 'flowport.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

/** The process restarting: a new LoginSessions over the same database. */
const restart = async (db: Db, clock: ManualClock) => {
  const sessions = new LoginSessions(clock, new SqliteLoginStore(db));
  await sessions.restore();
  return sessions;
};

describe('logins', () => {
  it('outlive a restart, found by their token, with their id, roles and CSRF token', async () => {
    const db = database();
    const clock = new ManualClock(1_000_000);
    const first = await restart(db, clock);
    const ann = first.create('ann', ['design'], 'cred-a');
    const bob = first.create('bob', ['batch'], 'cred-b');
    const again = await restart(db, clock);
    expect(again.users().sort()).toEqual(['ann', 'bob']);
    expect(again.get(ann.token)).toMatchObject({
      token: ann.token,
      id: ann.id,
      csrfToken: ann.csrfToken,
      user: 'ann',
      roles: ['design'],
    });
    expect(again.get(bob.token)?.user).toBe('bob');
    expect(again.get('not-a-token')).toBeUndefined();
  });

  it('keep only a digest of the token in the database', async () => {
    const db = database();
    const s = (await restart(db, new ManualClock(0))).create('ann', ['admin'], 'cred');
    const dump = JSON.stringify(db.prepare('SELECT * FROM logins').all());
    expect(dump).toContain(s.id);
    expect(dump).not.toContain(s.token);
  });

  it('end for good on logout, when the user loses them, and after 12 idle hours', async () => {
    const db = database();
    const clock = new ManualClock(0);
    const first = await restart(db, clock);
    const out = first.create('ann', ['design'], 'cred');
    const blocked = first.create('bob', ['design'], 'cred');
    const idle = first.create('cy', ['design'], 'cred');
    const kept = first.create('dee', ['design'], 'cred');
    const ended: AccessEnded[] = [];
    first.onAccessEnded((e) => ended.push(e));
    first.remove(out.token);
    expect(first.updateUser('bob', null, undefined, 'blocked')).toBe(1);
    clock.advance(11 * HOUR);
    expect(first.get(kept.token)).toBeDefined(); // dee keeps using hers
    clock.advance(2 * HOUR);
    expect(first.get(idle.token)).toBeUndefined();
    // Each end is announced once, naming the login as the log does, for what was opened with it to end.
    expect(ended).toEqual([
      { user: 'ann', login: `ann:${out.id}`, roles: null, reason: 'logout' },
      { user: 'bob', login: `bob:${blocked.id}`, roles: null, reason: 'blocked' },
      { user: 'cy', login: `cy:${idle.id}`, roles: null, reason: 'idle' },
    ]);
    const again = await restart(db, clock);
    expect(again.get(out.token)).toBeUndefined();
    expect(again.get(blocked.token)).toBeUndefined();
    expect(again.get(idle.token)).toBeUndefined();
    expect(again.users()).toEqual(['dee']);
    expect(db.prepare('SELECT user FROM logins').all()).toEqual([{ user: 'dee' }]);
  });

  it('idle past the limit are ended while the server runs, in memory and in the database', async () => {
    const db = database();
    const clock = new ManualClock(0);
    const sessions = await restart(db, clock);
    const forgotten = sessions.create('ann', ['batch'], 'cred');
    clock.advance(13 * HOUR);
    sessions.create('ann', ['batch'], 'cred'); // a new login looks for idle ones
    expect(sessions.users()).toEqual(['ann']);
    expect(db.prepare('SELECT count(*) AS n FROM logins').get()).toEqual({ n: 1 });
    expect(sessions.get(forgotten.token)).toBeUndefined();
  });

  it('write their last use at most once a minute, and their new roles and password when they change', async () => {
    const db = database();
    const clock = new ManualClock(0);
    const sessions = await restart(db, clock);
    const s = sessions.create('ann', ['design'], 'cred-1');
    const seen = () => (db.prepare('SELECT last_seen_at AS t FROM logins').get() as { t: number }).t;
    clock.advance(30_000);
    sessions.get(s.token);
    expect(seen()).toBe(0);
    clock.advance(30_000);
    sessions.get(s.token);
    expect(seen()).toBe(60_000);
    sessions.updateUser('ann', ['view'], undefined, 'demoted');
    sessions.renew(s.token, 'ann', 'cred-2');
    const again = await restart(db, clock);
    expect(again.get(s.token)).toMatchObject({ roles: ['view'], credential: 'cred-2' });
    expect(again.updateUser('ann', ['view'], 'cred-3', 'password')).toBe(1); // another password: it ends
  });

  it('announce a user losing access with the login kept and the roles left', async () => {
    const sessions = new LoginSessions(new ManualClock(0));
    const here = sessions.create('ann', ['admin', 'design'], 'cred');
    const ended: AccessEnded[] = [];
    sessions.onAccessEnded((e) => ended.push(e));
    sessions.revokeUser('ann', 'password', null, here.token);
    sessions.revokeUser('ann', 'demoted', ['design']);
    // Another user's token is not a login of ann's to keep.
    const bob = sessions.create('bob', ['view'], 'cred');
    sessions.revokeUser('ann', 'blocked', null, bob.token);
    expect(ended).toEqual([
      { user: 'ann', keep: `ann:${here.id}`, roles: null, reason: 'password' },
      { user: 'ann', roles: ['design'], reason: 'demoted' },
      { user: 'ann', roles: null, reason: 'blocked' },
    ]);
  });

  it('on a shared store, idle on one node but in use on another, end on the idle node only', async () => {
    const db = database();
    const clock = new ManualClock(1_000_000);
    const store = new SqliteLoginStore(db);
    const one = new LoginSessions(clock, store, undefined, true);
    const two = new LoginSessions(clock, store, undefined, true);
    const s = await one.open('ann', ['design'], 'cred');
    expect((await two.lookup(s.token))?.fromStore).toBe(true);
    clock.advance(11 * HOUR);
    expect(two.get(s.token)).toBeDefined(); // its use on node two is stored (more than a minute since the last)
    clock.advance(2 * HOUR);
    expect(one.get(s.token)).toBeUndefined(); // idle here for 13 hours
    expect(two.get(s.token)?.user).toBe('ann');
    expect((await one.lookup(s.token))?.session.user).toBe('ann'); // its stored last use says it is alive
    clock.advance(13 * HOUR);
    expect(await one.lookup(s.token)).toBeUndefined();
  });
});
