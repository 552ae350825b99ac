// The package file records' part of the store contract: Created kept across saves, a stale save refused, the records of a moved or deleted path; saves through the real storage.
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SharedState } from '../../src/db/shared-state';
import { FileStorage } from '../../src/storage';
import { describeChange, saveChecked } from '../../src/workspace/save-conflict';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (n: number) => `name: File ${n}\nnodes: []\n`;
/** The file system's own creation time of the file, as the storage reads it. */
const born = (file: string) => {
  const st = statSync(file);
  return st.birthtimeMs > 0 ? st.birthtimeMs : st.ctimeMs;
};
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Who `state` says saved `file` last, once it says `expected` or 2 s have passed: the watch looks
 * every second (SQLite) or hears at once (PostgreSQL); the rest is room for a busy machine.
 */
async function lastSaver(state: SharedState, file: string, expected: string): Promise<string | undefined> {
  let seen = state.files.lastSave(file)?.user;
  for (const end = Date.now() + 2000; seen !== expected && Date.now() < end; seen = state.files.lastSave(file)?.user)
    await sleep(50);
  return seen;
}

export function packageFileContract(fresh: () => Promise<SharedState>, open: () => Promise<SharedState>): void {
  describe("the package files' records", () => {
    const roots: string[] = [];
    afterAll(() => {
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    });
    /** A storage folder of its own per case, seen by each connection through a FileStorage of its own (a node's). */
    const storageFolder = () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'flowport-files-'));
      roots.push(root);
      return { root, through: (s: SharedState) => new FileStorage(root, (p, seen) => s.files.createdAt(p, seen)) };
    };
    const P = 'c/p.pkg.yaml';

    it('keeps Created across two saves, and on another connection saving it next', async () => {
      const a = await fresh();
      const b = await open(); // opened before the saves: it has heard of none of them
      const folder = storageFolder();
      const sa = folder.through(a);
      const first = await saveChecked(sa, a.files, P, text(1), { user: 'ann', baseVersion: null });
      let version = first.fileVersion;
      for (const n of [2, 3]) {
        await sleep(20);
        const saved = await saveChecked(sa, a.files, P, text(n), { user: 'ann', baseVersion: version });
        expect(saved.createdAt).toBe(first.createdAt);
        version = saved.fileVersion;
      }
      // The file on disk is a new one (an atomic save): only the record knows when it was first created.
      expect(born(path.join(folder.root, P))).toBeGreaterThan(first.createdAtMs);
      const onB = await saveChecked(folder.through(b), b.files, P, text(4), { user: 'bob', baseVersion: version });
      expect(onB.createdAt).toBe(first.createdAt);
      const later = await open();
      expect(later.files.createdAt(P, Date.now())).toBe(first.createdAtMs);
      expect(later.files.lastSave(P)).toEqual({
        user: 'bob',
        atMs: Math.floor(onB.savedAtMs),
        fileVersion: onB.fileVersion,
      });
    });

    it('refuses a save over a version another connection saved since, naming who and when', async () => {
      const a = await fresh();
      const folder = storageFolder();
      const sa = folder.through(a);
      const opened = await saveChecked(sa, a.files, P, text(1), { user: 'ann', baseVersion: null });
      // b has read the record as of the version it opens, and hears of nothing after (it watches nothing).
      const b = await open();
      const sb = folder.through(b);
      expect(b.files.lastSave(P)).toMatchObject({ fileVersion: opened.fileVersion });
      await sleep(20);
      const ann = await saveChecked(sa, a.files, P, text(2), { user: 'ann', baseVersion: opened.fileVersion });
      const refused = saveChecked(sb, b.files, P, text(3), { user: 'bob', baseVersion: opened.fileVersion });
      await expect(refused).rejects.toMatchObject({
        code: 'SAVE_CONFLICT',
        details: { path: P, savedBy: 'ann', at: iso(Math.floor(ann.savedAtMs)), fileVersion: ann.fileVersion },
      });
      expect((await sb.readText(P)).text).toBe(text(2));
      expect(b.files.lastSave(P)).toMatchObject({ user: 'ann', fileVersion: ann.fileVersion });
      // Two saves over one version at the same moment on one connection: one is written, the other refused.
      const both = await Promise.allSettled(
        ['ann', 'cid'].map((user, i) =>
          saveChecked(sa, a.files, P, text(10 + i), { user, baseVersion: ann.fileVersion }),
        ),
      );
      expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        code: 'SAVE_CONFLICT',
      });
    });

    it('keeps the records of a deleted or moved path by path', async () => {
      const a = await fresh();
      const folder = storageFolder();
      const sa = folder.through(a);
      const abs = path.join(folder.root, P);
      const saved = await saveChecked(sa, a.files, P, text(1), { user: 'ann', baseVersion: null });
      // Deleted and made again (as an editor's save does): the path's first creation stays; the
      // recorded save is of another version, so the file's change names nobody.
      rmSync(abs);
      await sleep(20);
      writeFileSync(abs, text(2));
      const again = await sa.stat(P);
      expect(again.createdAt).toBe(saved.createdAt);
      expect(describeChange(a.files, again, P)).toEqual({ savedBy: null, at: again.savedAt, removed: false });
      expect(describeChange(a.files, undefined, P)).toEqual({ savedBy: null, at: null, removed: true });
      // Moved: under its new path the file has its own creation time and no save through Flowport.
      const Q = 'd/q.pkg.yaml';
      await sa.mkdir('d');
      renameSync(abs, path.join(folder.root, Q));
      const moved = await sa.stat(Q);
      expect(moved.createdAtMs).toBe(Math.round(born(path.join(folder.root, Q))));
      expect(moved.createdAtMs).toBeGreaterThan(saved.createdAtMs);
      expect(a.files.lastSave(Q)).toBeUndefined();
      expect(describeChange(a.files, moved, Q).savedBy).toBeNull();
      const overQ = await saveChecked(sa, a.files, Q, text(3), { user: 'bob', baseVersion: moved.fileVersion });
      expect(overQ.createdAt).toBe(moved.createdAt);
      // Another connection reads the same records of both paths.
      const b = await open();
      expect(b.files.createdAt(P, Date.now())).toBe(saved.createdAtMs);
      expect(b.files.lastSave(P)).toMatchObject({ user: 'ann', fileVersion: saved.fileVersion });
      expect(b.files.createdAt(Q, Date.now())).toBe(moved.createdAtMs);
      expect(b.files.lastSave(Q)).toMatchObject({ user: 'bob', fileVersion: overQ.fileVersion });
    });

    it("hears of another connection's save through the watch", async () => {
      const a = await fresh();
      const b = await open();
      b.watch({ users() {}, parameters() {}, loginEnded() {}, error() {} });
      const folder = storageFolder();
      const sa = folder.through(a);
      await sleep(100); // the watch is set up
      const first = await saveChecked(sa, a.files, P, text(1), { user: 'ann', baseVersion: null });
      expect(await lastSaver(b, P, 'ann')).toBe('ann');
      await saveChecked(sa, a.files, P, text(2), { user: 'cid', baseVersion: first.fileVersion });
      expect(await lastSaver(b, P, 'cid')).toBe('cid');
      expect(b.files.createdAt(P, Date.now())).toBe(first.createdAtMs);
    });
  });
}
