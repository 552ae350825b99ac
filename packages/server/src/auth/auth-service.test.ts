// AuthService on real SQLite stores: a change made here and a sync of the same change heard meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/support/core-kit';
import { openDatabase } from '../db/database';
import { SqliteLoginStore } from '../db/login-store';
import { SqliteUserStore } from '../db/sqlite-user-store';
import { AuthService } from './auth-service';
import { LoginLimiter } from './login-limiter';
import { LoginSessions } from './login-sessions';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function kit() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-auth-'));
  const db = openDatabase(path.join(dir, 'flowport.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new ManualClock(1_000_000);
  const users = new SqliteUserStore(db);
  const sessions = new LoginSessions(clock, new SqliteLoginStore(db), undefined, true);
  const limiter = new LoginLimiter(clock, () => ({ attempts: 5, lockoutSeconds: 60 }));
  const auth = new AuthService(users, limiter, sessions, true);
  await users.create('ann', 'ann-password-1', ['design']);
  auth.syncUsers();
  const from = await auth.login('ann', 'ann-password-1', '127.0.0.1');
  const other = await auth.login('ann', 'ann-password-1', '127.0.0.2');
  return { users, sessions, auth, from, other };
}

describe('a new password set from one login', () => {
  it('ends the other logins and keeps the one it was set from', async () => {
    const { users, sessions, auth, from, other } = await kit();
    await auth.whileChanging('ann', async () => {
      await users.update('ann', { password: 'ann-password-2' });
      auth.userChanged('ann', from.token);
    });
    expect(sessions.get(other.token)).toBeUndefined();
    expect(sessions.get(from.token)?.user).toBe('ann');
  });

  it('keeps that login when a sync hears of the committed change before the change is applied here', async () => {
    const { users, sessions, auth, from, other } = await kit();
    await auth.whileChanging('ann', async () => {
      await users.update('ann', { password: 'ann-password-2' });
      // The node's own NOTIFY, heard between the commit and the route's own apply.
      expect(auth.syncUsers()).toEqual([]);
      expect(sessions.get(from.token)?.user).toBe('ann');
      auth.userChanged('ann', from.token);
    });
    expect(sessions.get(other.token)).toBeUndefined();
    expect(sessions.get(from.token)?.user).toBe('ann');
    // Once the change is applied, syncs follow the user again.
    await users.update('ann', { blocked: true });
    expect(auth.syncUsers()).toEqual(['ann']);
    expect(sessions.get(from.token)).toBeUndefined();
  });

  it('without the hold, that sync would end the login the change was made from', async () => {
    const { users, sessions, auth, from } = await kit();
    await users.update('ann', { password: 'ann-password-2' });
    expect(auth.syncUsers()).toEqual(['ann']);
    auth.userChanged('ann', from.token);
    expect(sessions.get(from.token)).toBeUndefined();
  });
});
