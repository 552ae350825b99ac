// SessionCloser: unsaved work is backed up with why and by whom, and the close is told (naming the backups) only after.
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import type { FlowportCore } from '../core';
import type { EngineHandle } from '../workspace/engine-handle';
import { SessionCloser, type BackupWriter, type SessionClosed } from './session-closer';

function setUp() {
  const k = makeKit({ files: { 'a.pkg.yaml': [], 'b.pkg.yaml': [] } });
  const calls: { session: string; names: string[]; reason: string; by?: string }[] = [];
  const order: string[] = [];
  const backup: BackupWriter = async (session, instances, reason, by) => {
    await new Promise((r) => setTimeout(r, 5));
    calls.push({ session, names: instances.map((i) => i.name), reason, by });
    order.push('backup');
    return instances.map((i) => `${i.name}.bak`);
  };
  const closer = new SessionCloser({ core: k.core as unknown as FlowportCore<EngineHandle>, backup });
  return { k, closer, calls, order };
}

describe('SessionCloser', () => {
  it('backs up the unsaved packages of a closed session, then tells its listeners with the backup names', async () => {
    const { k, closer, calls, order } = setUp();
    const sid = k.session();
    const a = await k.core.openPackage(sid, 'a.pkg.yaml');
    await k.core.openPackage(sid, 'b.pkg.yaml');
    k.core.markDirty(a.id, true);
    const announced: boolean[] = [];
    k.core.on((e) => {
      if (e.type === 'session-closed') announced.push(closer.isClosing(e.sessionId));
    });
    const told: SessionClosed[] = [];
    closer.onClosed((c) => {
      order.push('told');
      told.push(c);
    });

    const result = await closer.close(sid, 'administrator', 'root');

    expect(announced).toEqual([true]);
    expect(closer.isClosing(sid)).toBe(false);
    expect(calls).toEqual([{ session: expect.any(String), names: [a.name], reason: 'administrator', by: 'root' }]);
    expect(order).toEqual(['backup', 'told']);
    expect(told).toEqual([{ sessionId: sid, reason: 'administrator', by: 'root', backups: [`${a.name}.bak`] }]);
    expect(result).toEqual({ closed: 2, backups: [`${a.name}.bak`] });
  });

  it('backs up an edited package it closes with the reason and by given, and answers the backup names', async () => {
    const { k, closer, calls } = setUp();
    const sid = k.session();
    const a = await k.core.openPackage(sid, 'a.pkg.yaml');
    const b = await k.core.openPackage(sid, 'b.pkg.yaml');
    k.core.markDirty(a.id, true);

    const edited = await closer.closePackage(a.id, { reason: 'administrator', by: 'root', stopReason: 'closed' });
    const clean = await closer.closePackage(b.id, { reason: 'administrator', by: 'root' });

    expect(edited.backups).toEqual([`${a.name}.bak`]);
    expect(clean.backups).toEqual([]);
    expect(calls).toEqual([{ session: expect.any(String), names: [a.name], reason: 'administrator', by: 'root' }]);
    await expect(closer.closePackage(a.id, { reason: 'administrator' })).rejects.toMatchObject({
      code: 'PACKAGE_NOT_FOUND',
    });
  });
});
