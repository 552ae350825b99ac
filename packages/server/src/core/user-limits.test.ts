// Per-user limits in the core: Studio sessions per user, packages per session, administrators apart.
import { describe, expect, it } from 'vitest';
import { deferred } from '../../test/support/fake-package-loader';
import { makeKit } from '../../test/support/core-kit';
import { DomainError } from '../shared/domain-error';
import type { UserLimits } from './user-limits';

const LIMITS: UserLimits = {
  userSessionLimit: 3,
  adminSessionLimit: 5,
  sessionPackageLimit: 2,
  adminSessionPackageLimit: 4,
};

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw err;
  return err;
}

describe('sessions per user', () => {
  it('refuses a Studio session past the limit, saying which limit and how many are open', () => {
    const { core, session } = makeKit({ limits: () => LIMITS });
    const open = [session('vic', ['view']), session('vic', ['view']), session('vic', ['view'])];
    const err = refusal(() => session('vic', ['view']));
    expect(err.code).toBe('LIMIT_REACHED');
    expect(err.message).toBe(
      'You have 3 open sessions (the limit is 3 for report viewers); close one in the Studio ' +
        'or ask an administrator to raise the server parameter userSessionLimit',
    );
    expect(err.details).toEqual({ limit: 'userSessionLimit', open: 3, max: 3 });
    // Nothing was opened by the refusal, the earlier sessions are untouched, another user is not counted.
    expect(core.listSessions().map((s) => s.id)).toEqual(open);
    expect(() => session('dana', ['design'])).not.toThrow();
    core.closeSession(open[0], 'client');
    expect(() => session('vic', ['view'])).not.toThrow();
  });

  it('gives administrators their own, higher limit', () => {
    const { session } = makeKit({ limits: () => LIMITS });
    for (let i = 0; i < 5; i++) session('root', ['admin', 'view']);
    const err = refusal(() => session('root', ['admin', 'view']));
    expect(err.message).toContain('the limit is 5 for administrators');
    expect(err.details).toEqual({ limit: 'adminSessionLimit', open: 5, max: 5 });
  });

  it('does not count Integrator and batch sessions, which last one call', () => {
    const { core, session } = makeKit({ limits: () => ({ ...LIMITS, userSessionLimit: 1 }) });
    for (let i = 0; i < 5; i++) core.openSession({ user: 'svc', roles: ['batch'], host: 'h', kind: 'integrator' });
    expect(() => session('svc', ['design'])).not.toThrow();
    expect(() => core.openSession({ user: 'svc', roles: ['batch'], host: 'h', kind: 'batch' })).not.toThrow();
  });

  it('reads the limits at each check, so a changed parameter applies at once', () => {
    let limits = LIMITS;
    const { session } = makeKit({ limits: () => limits });
    for (let i = 0; i < 3; i++) session('vic', ['view']);
    expect(() => session('vic', ['view'])).toThrow(/limit is 3/);
    limits = { ...LIMITS, userSessionLimit: 4 };
    expect(() => session('vic', ['view'])).not.toThrow();
  });
});

describe('packages per session', () => {
  const files = { 'a.pkg.yaml': [], 'b.pkg.yaml': [], 'c.pkg.yaml': [], 'lib.pkg.yaml': [] };

  it('refuses a package past the limit before loading it; shared packages and drafts are counted right', async () => {
    const { core, loader, session } = makeKit({ files, limits: () => LIMITS });
    const sid = session('vic', ['view']);
    loader.write('a.pkg.yaml', { references: ['lib.pkg.yaml'] });
    await core.openPackage(sid, 'a.pkg.yaml');
    await core.openDraft(sid, loader.built());
    const loads = loader.loads;
    const err = await refusalOf(core.openPackage(sid, 'b.pkg.yaml'));
    expect(err.code).toBe('LIMIT_REACHED');
    expect(err.message).toBe(
      'This session has 2 open packages (the limit is 2 per session for report viewers); close one before ' +
        'opening another, or ask an administrator to raise the server parameter sessionPackageLimit',
    );
    expect(err.details).toEqual({ limit: 'sessionPackageLimit', open: 2, max: 2 });
    expect(loader.loads).toBe(loads); // refused before any load
    // A draft is refused too, and its handle is freed.
    const draft = loader.built();
    expect((await refusalOf(core.openDraft(sid, draft))).code).toBe('LIMIT_REACHED');
    expect(draft.handle.unloaded).toBe(true);
    // The shared lib/ instance does not count; the session still has its two packages.
    expect(core.getSession(sid)!.packageIds).toHaveLength(2);
    expect(core.snapshot().shared).toHaveLength(1);
    // Another session of the same user has its own room.
    const other = session('vic', ['view']);
    await expect(core.openPackage(other, 'b.pkg.yaml')).resolves.toMatchObject({ path: 'b.pkg.yaml' });
  });

  it('holds when opens race: of two in flight with room for one, one is refused and unloaded', async () => {
    const { core, loader, session } = makeKit({ files, limits: () => LIMITS });
    const sid = session('vic', ['view']);
    await core.openPackage(sid, 'a.pkg.yaml');
    const gate = deferred();
    loader.gate = (op) => (op === 'load' ? gate.promise : undefined);
    const b = core.openPackage(sid, 'b.pkg.yaml').then(
      () => 'opened',
      (e: DomainError) => e.code,
    );
    const c = core.openPackage(sid, 'c.pkg.yaml').then(
      () => 'opened',
      (e: DomainError) => e.code,
    );
    gate.resolve();
    expect([await b, await c].sort()).toEqual(['LIMIT_REACHED', 'opened']);
    expect(core.getSession(sid)!.packageIds).toHaveLength(2);
    // Every loaded handle belongs to an open instance: the refused load was unloaded.
    expect(loader.loaded.size).toBe(2);
  });

  it('gives administrator sessions their own limit and leaves pool loans of a call uncounted', async () => {
    const { core, session } = makeKit({ files, limits: () => ({ ...LIMITS, adminSessionPackageLimit: 3 }) });
    const sid = session('root', ['admin']);
    for (const p of ['a.pkg.yaml', 'b.pkg.yaml', 'c.pkg.yaml']) await core.openPackage(sid, p);
    const err = await refusalOf(core.openPackage(sid, 'lib.pkg.yaml'));
    expect(err.message).toContain('the limit is 3 per session for administrators');
    expect(err.details).toMatchObject({ limit: 'adminSessionPackageLimit' });
    const call = core.openSession({ user: 'root', roles: ['admin'], host: 'h', kind: 'integrator' });
    await expect(core.checkout('a.pkg.yaml', call.id)).resolves.toMatchObject({ kind: 'pool' });
  });
});
