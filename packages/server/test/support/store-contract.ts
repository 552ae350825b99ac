// The contract every shared-state implementation keeps (users, logins, parameters, audit log, execution history, package files' records), run against SQLite and PostgreSQL alike.
import { DEFAULT_PARAMETERS } from '@flowport/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredLogin } from '../../src/auth/login-sessions';
import type { UserStore } from '../../src/auth/user-store';
import { MAX_DETAILS_CHARS } from '../../src/db/audit-log';
import type { SettledExecution } from '../../src/core/execution';
import type { SharedState, StateChanges } from '../../src/db/shared-state';
import { packageFileContract } from './package-file-contract';

export interface StoreHarness {
  /** Opens a connection to a fresh, empty database (migrated). */
  fresh(): Promise<void>;
  /** Another connection to that database, as a second node or the flowport command has. */
  open(): Promise<SharedState>;
}

const attempt = (action: string, target: string | null = null) => ({ actor: 'admin', action, target, details: null });
const userNames = (users: UserStore) => users.list().map((u) => u.name);

const settled = (id: string, over: Partial<SettledExecution> = {}): SettledExecution =>
  ({
    id,
    user: 'ann',
    sessionKind: 'studio',
    packageName: 'scoring',
    path: 'out/scoring.pkg.yaml',
    node: 'score',
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_000_250.4,
    outcome: 'done',
    error: null,
    stopReason: null,
    ...over,
  }) as SettledExecution;

const login = (tokenHash: string, user = 'ann'): StoredLogin => ({
  tokenHash,
  id: `id-${tokenHash}`,
  csrfToken: `csrf-${tokenHash}`,
  user,
  roles: ['design'],
  credential: 'cred',
  createdAt: 1_000,
  lastSeenAt: 2_000,
});

/** Resolves with the first call of `pick` on the changes the state hears of, or rejects after `ms`. */
function heard(state: SharedState, pick: (resolve: (v: string) => void) => Partial<StateChanges>, ms = 1000) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing heard within ${ms} ms`)), ms);
    const done = (v: string) => {
      clearTimeout(timer);
      resolve(v);
    };
    state.watch({ users() {}, parameters() {}, loginEnded() {}, error: reject, ...pick(done) });
  });
}

export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`the shared state on ${name}`, () => {
    const opened: SharedState[] = [];
    const h = harness();
    const open = async () => {
      const s = await h.open();
      opened.push(s);
      return s;
    };
    const fresh = async () => {
      await h.fresh();
      return open();
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('users', () => {
      it('creates, finds, lists, changes and removes users', async () => {
        const { users } = await fresh();
        expect(users.count()).toBe(0);
        await users.create('bob', 'password-1', ['view', 'design']);
        await users.create('ann', 'password-1', ['admin']);
        expect(userNames(users)).toEqual(['ann', 'bob']);
        expect(users.get('bob')).toMatchObject({ roles: ['design', 'view'], blocked: false, lastLoginAt: null });
        expect((await users.update('bob', { blocked: true, roles: ['batch'] })).blocked).toBe(true);
        expect(users.find('bob')).toMatchObject({ roles: ['batch'], blocked: true });
        await users.remove('bob');
        expect(users.find('bob')).toBeUndefined();
        await expect(users.create('ann', 'password-2', ['view'])).rejects.toThrow(/exists already/);
        await expect(users.update('zed', { blocked: true })).rejects.toThrow(/No user named "zed"/);
        await expect(users.create('bad name', 'password-1', ['view'])).rejects.toThrow(/name: 1-64/);
      });

      it('never leaves no active administrator, checked inside the transaction', async () => {
        const { users, audit } = await fresh();
        await users.create('root', 'password-1', ['admin']);
        await users.create('other', 'password-1', ['admin']);
        // Both demotions pass their early checks while two administrators exist; only the first may be written.
        const first = await users.prepareUpdate('root', { roles: ['view'] });
        const second = await users.prepareUpdate('other', { blocked: true });
        await audit.commit(attempt('user.update', 'root'), first);
        await expect(audit.commit(attempt('user.update', 'other'), second)).rejects.toThrow(
          /last active administrator/,
        );
        await expect(users.remove('other')).rejects.toThrow(/last active administrator/);
        expect(users.get('other')).toMatchObject({ roles: ['admin'], blocked: false });
      });

      it('creates the first user only while there is none, once of two connections at the same moment', async () => {
        const a = await fresh();
        const b = await open();
        const made = await Promise.all([
          a.users.createFirst('admin', 'password-1', ['admin']),
          b.users.createFirst('admin', 'password-2', ['admin']),
        ]);
        expect(made.filter(Boolean)).toHaveLength(1);
        expect(await a.users.createFirst('admin', 'password-3', ['admin'])).toBe(false);
        expect((await open()).users.count()).toBe(1);
      });

      it('loads a user another connection added, and sees it after a refresh', async () => {
        const a = await fresh();
        const b = await open();
        await b.users.create('ann', 'password-1', ['view']);
        expect((await a.users.load('ann'))?.roles).toEqual(['view']);
        await b.users.update('ann', { roles: ['batch'] });
        await a.users.refresh();
        expect(a.users.get('ann').roles).toEqual(['batch']);
        a.users.recordLogin('ann');
        expect(a.users.get('ann').lastLoginAt).not.toBeNull();
      });
    });

    describe('the audit log with the change it records', () => {
      it('writes a user and its entry together, and tells listeners after the commit', async () => {
        const { users, audit } = await fresh();
        const seen: string[] = [];
        audit.onRecord((e) => seen.push(`${e.action} ${e.target} ${e.outcome} ${userNames(users).join(',')}`));
        const user = await audit.commit(
          attempt('user.create', 'ann'),
          await users.prepareCreate('ann', 'password-1', ['view']),
        );
        expect(user.name).toBe('ann');
        expect(seen).toEqual(['user.create ann ok ann']);
        expect(await audit.latest()).toMatchObject([{ action: 'user.create', target: 'ann', outcome: 'ok' }]);
      });

      it('stores neither the change nor its entry when the change is refused inside the transaction', async () => {
        const { users, audit } = await fresh();
        const early = await users.prepareCreate('bob', 'password-1', ['view']);
        await users.create('bob', 'password-2', ['view']); // the name is taken between the check and the write
        await expect(audit.commit(attempt('user.create', 'bob'), early)).rejects.toThrow(/exists already/);
        expect(await audit.latest()).toEqual([]);
      });

      it('stores neither when the entry cannot be written: the change is rolled back', async () => {
        const { users, audit } = await fresh();
        const change = await users.prepareCreate('cat', 'password-1', ['view']);
        // An entry without an action breaks the NOT NULL of the table, after the user row was written.
        await expect(
          audit.commit({ ...attempt('user.create'), action: null as unknown as string }, change),
        ).rejects.toThrow();
        expect(userNames(users)).not.toContain('cat');
        expect(await (await open()).users.load('cat')).toBeUndefined();
        expect(await audit.latest()).toEqual([]);
      });

      it('records a refused attempt with its code and reason, keeping a huge body as a cut preview', async () => {
        const { params, audit } = await fresh();
        const values = { packagePoolSize: 'x'.repeat(100_000) };
        await expect(
          audit.attempt({ actor: 'cli', action: 'parameters.update', target: null, details: { values } }, () =>
            params.prepareUpdate(values),
          ),
        ).rejects.toThrow(/must be an integer/);
        const [entry] = await audit.latest();
        expect(entry).toMatchObject({ outcome: 'error', details: { error: 'VALIDATION_FAILED', truncated: true } });
        expect(JSON.stringify(entry!.details).length).toBeLessThan(MAX_DETAILS_CHARS);
        expect(String(entry!.details!.reason)).toMatch(
          /^packagePoolSize: must be an integer, got "x+… \(100002 characters\)$/,
        );
        expect(params.get().packagePoolSize).toBe(10);
      });

      it('keeps the entries of every connection in one log, newest first', async () => {
        const a = await fresh();
        const b = await open();
        for (let i = 0; i < 5; i++) {
          await a.audit.record({ ...attempt(`a.${i}`), outcome: 'ok' });
          await b.audit.record({ ...attempt(`b.${i}`), outcome: 'ok', details: { i } });
        }
        const entries = await a.audit.latest(100);
        expect(entries.map((e) => e.action)).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`a.${i}`, `b.${i}`]).reverse());
        expect(entries[0]!.details).toEqual({ i: 4 });
        expect(entries.every((e, i) => i === 0 || e.id < entries[i - 1]!.id)).toBe(true);
      });
    });

    describe('server parameters', () => {
      it('applies values to the cache and listeners only once they are committed', async () => {
        const { params, audit } = await fresh();
        const seen: number[] = [];
        params.onChange((next) => seen.push(next.packagePoolSize));
        const change = params.prepareUpdate({ packagePoolSize: 4 });
        expect(params.get().packagePoolSize).toBe(10);
        await audit.commit(attempt('parameters.update'), change);
        expect(seen).toEqual([4]);
        expect((await open()).params.get().packagePoolSize).toBe(4);
      });

      it('takes in values another connection stored, telling its listeners once', async () => {
        const server = await fresh();
        const cli = await open();
        const seen: [number, number][] = [];
        server.params.onChange((next, prev) => seen.push([prev.packagePoolSize, next.packagePoolSize]));
        expect(await server.params.refresh()).toBeNull();
        await cli.params.update({ packagePoolSize: 3, logLevel: 'debug' });
        expect(server.params.get().packagePoolSize).toBe(DEFAULT_PARAMETERS.packagePoolSize);
        expect(await server.params.refresh()).toEqual({ packagePoolSize: 3, logLevel: 'debug' });
        expect(server.params.get()).toMatchObject({ packagePoolSize: 3, logLevel: 'debug' });
        expect(seen).toEqual([[DEFAULT_PARAMETERS.packagePoolSize, 3]]);
        expect(await server.params.refresh()).toBeNull();
      });

      it('refuses a bad update whole', async () => {
        const { params } = await fresh();
        await expect(params.update({ packagePoolSize: 2, loginAttemptLimit: -1 })).rejects.toThrow(/loginAttemptLimit/);
        expect(params.get().packagePoolSize).toBe(10);
        expect((await open()).params.get().packagePoolSize).toBe(10);
      });
    });

    describe('logins', () => {
      it('keeps logins by the digest of their token, for every connection', async () => {
        const a = await fresh();
        const b = await open();
        await a.logins.put(login('h1'));
        await a.logins.put(login('h2', 'bob'));
        expect(await b.logins.find('h1')).toEqual(login('h1'));
        await b.logins.put({ ...login('h1'), roles: ['view'], lastSeenAt: 9_000 });
        expect(await a.logins.find('h1')).toMatchObject({ roles: ['view'], lastSeenAt: 9_000, createdAt: 1_000 });
        await a.logins.remove('h2');
        expect((await b.logins.all()).map((l) => l.tokenHash)).toEqual(['h1']);
        expect(await b.logins.find('h2')).toBeUndefined();
      });
    });

    describe('the execution history', () => {
      it('keeps every connection’s executions, newest first, as the API answers them', async () => {
        const a = await fresh();
        const b = await open();
        await a.history.add(settled('e1'));
        await b.history.add(settled('e2', { outcome: 'cancelled', stopReason: 'stopped by admin', user: null }));
        await a.history.add(settled('e3', { outcome: 'failed', error: 'Binder Error: 100% wrong_name', node: null }));
        const all = await b.history.recent({ limit: 10 });
        expect(all.map((e) => e.id)).toEqual(['e3', 'e2', 'e1']);
        expect(all[2]).toEqual({
          id: 'e1',
          user: 'ann',
          kind: 'studio',
          package: 'scoring',
          path: 'out/scoring.pkg.yaml',
          node: 'score',
          startedAt: new Date(1_700_000_000_000).toISOString(),
          durationMs: 250,
          outcome: 'done',
          error: null,
          stoppedBy: null,
        });
        expect(all[1]).toMatchObject({ outcome: 'stopped', stoppedBy: 'stopped by admin', user: null });
        expect((await a.history.recent({ limit: 2 })).map((e) => e.id)).toEqual(['e3', 'e2']);
      });

      it('searches every field, taking % and _ literally', async () => {
        const h = (await fresh()).history;
        await h.add(settled('e1', { error: 'Binder Error: 100% wrong_name' }));
        await h.add(settled('e2', { user: 'bob', packageName: 'churn' }));
        await h.add(settled('e3', { outcome: 'cancelled', stopReason: 'stopped by root' }));
        const ids = async (search: string) => (await h.recent({ search, limit: 10 })).map((e) => e.id);
        expect(await ids('100%')).toEqual(['e1']);
        expect(await ids('wrong_name')).toEqual(['e1']);
        expect(await ids('0%_')).toEqual([]);
        expect(await ids('churn')).toEqual(['e2']);
        expect(await ids('stopped')).toEqual(['e3']);
      });

      it('keeps only the newest rows when pruned', async () => {
        const h = (await fresh()).history;
        for (const id of ['e1', 'e2', 'e3', 'e4']) await h.add(settled(id));
        await h.prune(2);
        expect((await h.recent({ limit: 10 })).map((e) => e.id)).toEqual(['e4', 'e3']);
        await h.prune(0);
        expect(await h.recent({ limit: 10 })).toEqual([]);
      });
    });

    packageFileContract(fresh, open);

    describe('changes made by another connection', () => {
      it('are heard within a second: users', async () => {
        const server = await fresh();
        const cli = await open();
        const heardUsers = heard(server, (done) => ({ users: () => done('users') }), 1500);
        await new Promise((r) => setTimeout(r, 100)); // the watch is set up
        await cli.users.create('ann', 'password-1', ['view']);
        expect(await heardUsers).toBe('users');
        // Told once the cache is fresh: it is read at once.
        expect(server.users.find('ann')).toBeDefined();
      });

      it('are heard within a second: parameters', async () => {
        const server = await fresh();
        const cli = await open();
        const heardParams = heard(server, (done) => ({ parameters: () => done('parameters') }), 1500);
        await new Promise((r) => setTimeout(r, 100));
        await cli.params.update({ packagePoolSize: 7 });
        expect(await heardParams).toBe('parameters');
        expect(await server.params.refresh()).toEqual({ packagePoolSize: 7 });
      });
    });
  });
}
