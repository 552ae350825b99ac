// Reference cycles are refused wherever the core resolves references: open, draft, edit, save, pool checkout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import { isDomainError } from '../shared/domain-error';

const A = 'out/a.pkg.yaml';
const B = 'out/b.pkg.yaml';
const C = 'out/c.pkg.yaml';

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<{ code?: string; cycle?: string[] }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return { code: err.code, cycle: err.details?.cycle as string[] | undefined };
  }
  return {};
}

describe('reference cycles', () => {
  it('refuses to open a package that references itself, and loads nothing for it', async () => {
    const { core, loader, session } = makeKit({ files: { [A]: [A] } });
    const s = session();
    expect(await refusal(core.openPackage(s, A))).toEqual({ code: 'REFERENCE_CYCLE', cycle: [A, A] });
    expect(loader.loaded.size).toBe(0);
    expect(core.snapshot().shared).toEqual([]);
    expect(core.getSession(s)).toBeDefined();
  });

  it('names A ↔ B and a 3-cycle from the package opened', async () => {
    const two = makeKit({ files: { [A]: [B], [B]: [A] } });
    expect(await refusal(two.core.openPackage(two.session(), B))).toEqual({
      code: 'REFERENCE_CYCLE',
      cycle: [B, A, B],
    });
    const three = makeKit({ files: { [A]: [B], [B]: [C], [C]: [A] } });
    expect(await refusal(three.core.checkout(A, three.session('ian', ['batch'])))).toEqual({
      code: 'REFERENCE_CYCLE',
      cycle: [A, B, C, A],
    });
    expect(three.loader.loaded.size).toBe(0);
    expect(three.core.poolView().items).toEqual([]);
  });

  it('refuses a draft that only leads to a cycle', async () => {
    const { core, loader, session } = makeKit({ files: { [A]: [B], [B]: [A] } });
    const draft = loader.built({ references: [A] });
    expect(await refusal(core.openDraft(session(), draft))).toEqual({ code: 'REFERENCE_CYCLE', cycle: [A, B, A] });
    expect(loader.loaded.size).toBe(0);
  });

  it('refuses an edit that closes a cycle and keeps the package as it was', async () => {
    const { core, loader, session } = makeKit({ files: { [A]: [], [B]: [A] } });
    const p = await core.openPackage(session(), A);
    const edited = loader.built({ references: [B], path: A });
    expect(await refusal(core.replaceLoaded(p.id, edited, { dirty: true }))).toEqual({
      code: 'REFERENCE_CYCLE',
      cycle: [A, B, A],
    });
    const after = core.getInstance(p.id)!;
    expect([after.references, after.dirty]).toEqual([[], false]);
    expect(core.snapshot().shared).toEqual([]);
  });

  it('refuses saving a draft under a path its references lead back to', async () => {
    const { core, loader, session } = makeKit({ files: { [A]: [], [B]: [C], [C]: [A] } });
    const d = await core.openDraft(session(), loader.built({ references: [B] }));
    expect(await refusal(() => core.checkSaveAs(d.id, A))).toEqual({ code: 'REFERENCE_CYCLE', cycle: [A, B, C, A] });
    expect(await refusal(() => core.checkSaveAs(d.id, 'out/elsewhere.pkg.yaml'))).toEqual({});
  });

  it('refuses a cycle through a package open in the same session', async () => {
    const { core, loader, session } = makeKit({ files: { [A]: [], [B]: [] } });
    const s = session();
    const a = await core.openPackage(s, A);
    const b = await core.openPackage(s, B);
    // a now uses the session's b; b is then edited to use the session's a.
    await core.replaceLoaded(a.id, loader.built({ references: [B], path: A }), { dirty: true });
    expect(core.resolveReference(a.id, B).id).toBe(b.id);
    expect(
      await refusal(core.replaceLoaded(b.id, loader.built({ references: [A], path: B }), { dirty: true })),
    ).toEqual({ code: 'REFERENCE_CYCLE', cycle: [B, A, B] });
  });

  it('opens a package iff no cycle is reachable from it, naming a real cycle when refused', async () => {
    const paths = ['p0.pkg.yaml', 'p1.pkg.yaml', 'p2.pkg.yaml', 'p3.pkg.yaml', 'p4.pkg.yaml'];
    const files = fc.array(fc.subarray(paths, { maxLength: 3 }), { minLength: paths.length, maxLength: paths.length });
    await fc.assert(
      fc.asyncProperty(files, fc.nat(paths.length - 1), async (refs, r) => {
        const graph = Object.fromEntries(paths.map((p, i) => [p, refs[i]]));
        const { core, loader, session } = makeKit({ files: graph });
        const root = paths[r];
        const { code, cycle } = await refusal(core.openPackage(session(), root));
        expect(code === 'REFERENCE_CYCLE').toBe(reachesCycle(graph, root));
        if (!cycle) {
          expect(code).toBeUndefined();
          return;
        }
        expect(cycle[0]).toBe(cycle[cycle.length - 1]);
        for (let i = 0; i + 1 < cycle.length; i++) expect(graph[cycle[i]]).toContain(cycle[i + 1]);
        expect(new Set(cycle).size).toBe(cycle.length - 1);
        expect(loader.loaded.size).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

/** The oracle: some file reachable from `root` (itself included) reaches itself again. */
function reachesCycle(graph: Record<string, string[]>, root: string): boolean {
  const reach = (from: string) => {
    const seen = new Set<string>();
    const todo = [...graph[from]];
    while (todo.length) {
      const p = todo.pop()!;
      if (!seen.has(p)) {
        seen.add(p);
        todo.push(...graph[p]);
      }
    }
    return seen;
  };
  return [root, ...reach(root)].some((p) => reach(p).has(p));
}
