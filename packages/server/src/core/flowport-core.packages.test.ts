// Packages in a session: open from a path or as a draft, edit, save, dirty state, close.
import { describe, expect, it } from 'vitest';
import { deferred } from '../../test/support/fake-package-loader';
import { makeKit } from '../../test/support/core-kit';

describe('packages of a session', () => {
  it('opens a package file with its metadata and shows it under the session', async () => {
    const { core, loader, clock, session } = makeKit();
    loader.write('credit/scoring.pkg.yaml', { name: 'Credit scoring', version: '1.2.0' }, 111);
    const id = session();
    const p = await core.openPackage(id, 'credit/scoring.pkg.yaml');
    expect(p).toMatchObject({
      kind: 'session',
      sessionId: id,
      name: 'Credit scoring',
      version: '1.2.0',
      path: 'credit/scoring.pkg.yaml',
      fileVersion: loader.version('credit/scoring.pkg.yaml'),
      createdAt: 111,
      savedAt: 111,
      dirty: false,
      running: false,
      lastActivityAt: clock.t,
    });
    expect(core.getSession(id)?.packageIds).toEqual([p.id]);
    expect(core.snapshot().sessions[0].packages[0]).toMatchObject({ id: p.id, name: 'Credit scoring', dirty: false });
  });

  it('lets the same file be opened twice in a session, as two instances', async () => {
    const { core, session } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const id = session();
    const one = await core.openPackage(id, 'a.pkg.yaml');
    const two = await core.openPackage(id, 'a.pkg.yaml');
    expect(one.id).not.toBe(two.id);
    expect(one.handle).not.toBe(two.handle);
  });

  it('refuses to open a file that does not exist and leaves nothing loaded', async () => {
    const { core, loader, session } = makeKit();
    const id = session();
    await expect(core.openPackage(id, 'nope.pkg.yaml')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(loader.loaded.size).toBe(0);
  });

  it('refuses a package whose reference is missing and unloads what it had loaded', async () => {
    const { core, loader, session } = makeKit({
      files: { 'a.pkg.yaml': ['b.pkg.yaml'], 'b.pkg.yaml': ['gone.pkg.yaml'] },
    });
    const id = session();
    await expect(core.openPackage(id, 'a.pkg.yaml')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(loader.loaded.size).toBe(0);
    expect(core.snapshot().shared).toEqual([]);
  });

  it('refuses to open a package in a session that does not exist', async () => {
    const { core } = makeKit({ files: { 'a.pkg.yaml': [] } });
    await expect(core.openPackage('nope', 'a.pkg.yaml')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('drops a package whose session closed while it was loading', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [] } });
    const id = session();
    const gate = deferred();
    loader.gate = (op, path) => (op === 'load' && path === 'lib.pkg.yaml' ? gate.promise : undefined);
    const opening = core.openPackage(id, 'a.pkg.yaml');
    await Promise.resolve();
    core.closeSession(id, 'client');
    gate.resolve();
    await expect(opening).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(loader.loaded.size).toBe(0);
  });

  it('opens a draft with no path nor times, counted as unsaved', async () => {
    const { core, loader, session } = makeKit();
    const id = session();
    const d = await core.openDraft(id, loader.built({ name: 'New package' }));
    expect(d).toMatchObject({ path: null, fileVersion: null, createdAt: null, savedAt: null, dirty: true });
    expect(core.snapshot().sessions[0].packages[0]).toMatchObject({ path: null, createdAt: null, savedAt: null });
  });

  it('keeps a draft’s handle when its references must be resolved again after a file change', async () => {
    const { core, loader, session } = makeKit({ files: { 'lib.pkg.yaml': [] } });
    const gate = deferred();
    let first = true;
    loader.gate = (op) => {
      if (op === 'load' && first) {
        first = false;
        return gate.promise;
      }
    };
    const built = loader.built({ references: ['lib.pkg.yaml'] });
    const opening = core.openDraft(session(), built);
    await new Promise((r) => setTimeout(r, 0));
    loader.write('lib.pkg.yaml');
    core.fileChanged('lib.pkg.yaml');
    gate.resolve();
    const d = await opening;
    expect(d.handle).toBe(built.handle);
    expect(built.handle.unloaded).toBe(false);
    expect(core.resolveReference(d.id, 'lib.pkg.yaml').fileVersion).toBe(loader.version('lib.pkg.yaml'));
  });

  it('marks a package dirty and clean again', async () => {
    const { core, session, events } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const p = await core.openPackage(session(), 'a.pkg.yaml');
    core.markDirty(p.id, true);
    expect(core.getInstance(p.id)?.dirty).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'package-changed', instanceId: p.id });
    core.markDirty(p.id, false);
    expect(core.getInstance(p.id)?.dirty).toBe(false);
  });

  it('swaps in an edited package and unloads the handle it replaces', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const p = await core.openPackage(session(), 'a.pkg.yaml');
    const edited = loader.built({ name: 'Renamed', fileVersion: p.fileVersion });
    await core.replaceLoaded(p.id, edited, { dirty: true });
    const now = core.getInstance(p.id)!;
    expect(now).toMatchObject({ name: 'Renamed', dirty: true, path: 'a.pkg.yaml', handle: edited.handle });
    expect(p.handle.unloaded).toBe(true);
    expect(core.instanceByHandle(edited.handle)?.id).toBe(p.id);
    expect(core.instanceByHandle(p.handle)).toBeUndefined();
  });

  it('saving a draft gives it a path and file version and clears dirty', async () => {
    const { core, loader, session } = makeKit();
    const d = await core.openDraft(session(), loader.built());
    await core.replaceLoaded(d.id, loader.built({ path: 'new.pkg.yaml', fileVersion: 'v1' }), { dirty: false });
    expect(core.getInstance(d.id)).toMatchObject({ path: 'new.pkg.yaml', fileVersion: 'v1', dirty: false, savedAt: 2 });
  });

  it('re-resolves references after an edit: a dropped one unloads, an added one loads', async () => {
    const { core, loader, session } = makeKit({
      files: { 'a.pkg.yaml': ['old.pkg.yaml'], 'old.pkg.yaml': [], 'new.pkg.yaml': [] },
    });
    const p = await core.openPackage(session(), 'a.pkg.yaml');
    expect(core.snapshot().shared.map((s) => s.path)).toEqual(['old.pkg.yaml']);
    await core.replaceLoaded(p.id, loader.built({ references: ['new.pkg.yaml'] }), { dirty: true });
    expect(core.snapshot().shared.map((s) => s.path)).toEqual(['new.pkg.yaml']);
    expect(core.resolveReference(p.id, 'new.pkg.yaml').path).toBe('new.pkg.yaml');
    expect(() => core.resolveReference(p.id, 'old.pkg.yaml')).toThrow(
      expect.objectContaining({ code: 'PACKAGE_NOT_FOUND' }),
    );
    expect(loader.loaded.size).toBe(2);
  });

  it('keeps the package as it was when an edit names a missing reference', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const p = await core.openPackage(session(), 'a.pkg.yaml');
    const edited = loader.built({ references: ['gone.pkg.yaml'] });
    await expect(core.replaceLoaded(p.id, edited, { dirty: true })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(core.getInstance(p.id)?.handle).toBe(p.handle);
    expect(edited.handle.unloaded).toBe(true);
  });

  it('drops an edit overtaken by a later one', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': [], 'slow.pkg.yaml': [] } });
    const p = await core.openPackage(session(), 'a.pkg.yaml');
    const gate = deferred();
    loader.gate = (op, path) => (path === 'slow.pkg.yaml' ? gate.promise : undefined);
    const first = loader.built({ name: 'First', references: ['slow.pkg.yaml'] });
    const second = loader.built({ name: 'Second' });
    const one = core.replaceLoaded(p.id, first, { dirty: true });
    await core.replaceLoaded(p.id, second, { dirty: true });
    gate.resolve();
    await one;
    expect(core.getInstance(p.id)?.name).toBe('Second');
    expect(first.handle.unloaded).toBe(true);
    expect(core.snapshot().shared).toEqual([]);
  });

  it('refuses to edit a shared or pooled instance', async () => {
    const { core, loader, session } = makeKit({ files: { 'a.pkg.yaml': ['b.pkg.yaml'], 'b.pkg.yaml': [] } });
    const id = session();
    const p = await core.openPackage(id, 'a.pkg.yaml');
    const shared = core.resolveReference(p.id, 'b.pkg.yaml');
    await expect(core.replaceLoaded(shared.id, loader.built(), { dirty: true })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('closes a package: unloads it and removes it from its session', async () => {
    const { core, loader, session, events } = makeKit({ files: { 'a.pkg.yaml': [] } });
    const id = session();
    const p = await core.openPackage(id, 'a.pkg.yaml');
    const closed = core.closePackage(p.id);
    expect(closed).toMatchObject({ id: p.id, sessionId: id });
    expect(core.getInstance(p.id)).toBeUndefined();
    expect(core.getSession(id)?.packageIds).toEqual([]);
    expect(loader.loaded.size).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'package-closed', instanceId: p.id, reason: 'closed' });
  });

  it('refuses to close a package that does not exist', () => {
    const { core } = makeKit();
    expect(() => core.closePackage('nope')).toThrow(expect.objectContaining({ code: 'PACKAGE_NOT_FOUND' }));
  });
});
