import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserStore } from '../auth/user-store';
import { AuditLog, MAX_DETAILS_CHARS } from './audit-log';
import { openDatabase, type Db } from './database';
import { ParameterStore } from './parameter-store';

let dir: string;
let db: Db;
let audit: AuditLog;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-audit-'));
  db = openDatabase(path.join(dir, 'flowport.db'));
  audit = new AuditLog(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const attempt = (action: string, target: string | null = null) => ({ actor: 'admin', action, target, details: null });
const userNames = (users: UserStore) => users.list().map((u) => u.name);

describe('the audit log with the change it records', () => {
  it('writes a user and its entry together, and tells listeners after the commit', async () => {
    const users = new UserStore(db);
    const heard: string[] = [];
    audit.onRecord((e) => heard.push(`${e.action} ${e.target} ${e.outcome} ${userNames(users).join(',')}`));
    const user = audit.commit(attempt('user.create', 'ann'), await users.prepareCreate('ann', 'password-1', ['view']));
    expect(user.name).toBe('ann');
    expect(heard).toEqual(['user.create ann ok ann']);
    expect(audit.latest()).toMatchObject([{ action: 'user.create', target: 'ann', outcome: 'ok' }]);
  });

  it('stores neither the change nor its entry when the change is refused inside the transaction', async () => {
    const users = new UserStore(db);
    const early = await users.prepareCreate('bob', 'password-1', ['view']);
    await users.create('bob', 'password-2', ['view']); // the name is taken between the check and the write
    expect(() => audit.commit(attempt('user.create', 'bob'), early)).toThrow(/exists already/);
    expect(audit.latest()).toEqual([]);
  });

  it('stores neither when the entry cannot be written: the change is rolled back', async () => {
    const users = new UserStore(db);
    const change = await users.prepareCreate('cat', 'password-1', ['view']);
    // An entry without an action breaks the NOT NULL of the table, after the user row was written.
    expect(() => audit.commit({ ...attempt('user.create'), action: null as unknown as string }, change)).toThrow();
    expect(userNames(users)).not.toContain('cat');
    expect(audit.latest()).toEqual([]);
  });

  it('checks the last administrator inside the transaction, against the stored users', async () => {
    const users = new UserStore(db);
    await users.create('root', 'password-1', ['admin']);
    await users.create('other', 'password-1', ['admin']);
    // Both demotions pass their early checks while two administrators exist; only the first may be written.
    const first = await users.prepareUpdate('root', { roles: ['view'] });
    const second = await users.prepareUpdate('other', { roles: ['view'] });
    audit.commit(attempt('user.update', 'root'), first);
    expect(() => audit.commit(attempt('user.update', 'other'), second)).toThrow(/last active administrator/);
    expect(users.get('other').roles).toEqual(['admin']);
  });

  it('records a refused attempt with its code and reason, keeping a huge body as a cut preview', async () => {
    const params = new ParameterStore(db);
    const values = { packagePoolSize: 'x'.repeat(100_000) };
    await expect(
      audit.attempt({ actor: 'cli', action: 'parameters.update', target: null, details: { values } }, () =>
        params.prepareUpdate(values),
      ),
    ).rejects.toThrow(/must be an integer/);
    const [entry] = audit.latest();
    expect(entry).toMatchObject({ outcome: 'error', details: { error: 'VALIDATION_FAILED', truncated: true } });
    expect(JSON.stringify(entry!.details).length).toBeLessThan(MAX_DETAILS_CHARS);
    expect(String(entry!.details!.reason)).toMatch(
      /^packagePoolSize: must be an integer, got "x+… \(100002 characters\)$/,
    );
    expect(params.get().packagePoolSize).toBe(10);
  });

  it('applies parameters to the cache and listeners only once they are committed', () => {
    const params = new ParameterStore(db);
    const seen: number[] = [];
    params.onChange((next) => seen.push(next.packagePoolSize));
    const change = params.prepareUpdate({ packagePoolSize: 4 });
    expect(params.get().packagePoolSize).toBe(10);
    audit.commit(attempt('parameters.update'), change);
    expect(seen).toEqual([4]);
    expect(new ParameterStore(db).get().packagePoolSize).toBe(4);
  });
});
