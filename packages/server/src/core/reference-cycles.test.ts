// Cycle detection over reference graphs: found iff one is reachable from the root, and always an actual cycle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findReferenceCycle, referenceCycleError, type CycleStep } from './reference-cycles';

/** Vertex i references `p<j>`, served by vertex j, for each j in edges[i]. */
type Graph = number[][];

function walk(graph: Graph, key: (v: number) => string = (v) => `p${v}`) {
  return {
    key,
    next: (v: number) => graph[v].map((t) => [`p${t}`, t] as const),
  };
}

function cycleOf(graph: Graph, root = 0, key?: (v: number) => string): CycleStep<number>[] | undefined {
  return findReferenceCycle(root, walk(graph, key));
}

/** Independent oracle: some vertex reachable from the root reaches itself in one step or more. */
function hasReachableCycle(graph: Graph, root: number): boolean {
  const reach = (from: number): Set<number> => {
    const seen = new Set<number>();
    const todo = [...graph[from]];
    while (todo.length) {
      const v = todo.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      todo.push(...graph[v]);
    }
    return seen;
  };
  const fromRoot = reach(root).add(root);
  return [...fromRoot].some((v) => reach(v).has(v));
}

describe('findReferenceCycle', () => {
  it('walks every instance of a file, not the first one only (a stale and a current one differ)', () => {
    // 1 and 2 are two instances of lib (same key): 1 (stale) references nothing, 2 (current) y (3);
    // y and x (4) reference each other. Found by the core's interleaving property (seed -1003779002).
    const lib = (v: number) => (v === 1 || v === 2 ? 'lib' : `p${v}`);
    const cycle = cycleOf([[1, 2], [], [3], [4], [3]], 0, lib);
    expect(cycle?.map((s) => s.from)).toEqual([3, 4]);
  });

  it('finds a package that references itself', () => {
    expect(cycleOf([[0]])).toEqual([{ from: 0, path: 'p0' }]);
  });

  it('finds A ↔ B and a 3-cycle, starting at the root', () => {
    expect(cycleOf([[1], [0]])).toEqual([
      { from: 0, path: 'p1' },
      { from: 1, path: 'p0' },
    ]);
    expect(cycleOf([[1], [2], [0]])?.map((s) => s.path)).toEqual(['p1', 'p2', 'p0']);
  });

  it('finds a cycle the root only leads to', () => {
    expect(cycleOf([[1], [2], [1]])).toEqual([
      { from: 1, path: 'p2' },
      { from: 2, path: 'p1' },
    ]);
  });

  it('accepts a diamond: two ways to one package are no cycle', () => {
    expect(cycleOf([[1, 2], [3], [3], []])).toBeUndefined();
  });

  it('treats vertices with one key as one package: an instance of the root file closes the cycle', () => {
    // Vertex 2 is another instance of the root's file (both keyed "a"): 0 → 1 → 2 is a → b → a.
    const key = (v: number) => (v === 1 ? 'b' : 'a');
    expect(cycleOf([[1], [2], []], 0, key)?.map((s) => s.from)).toEqual([0, 1]);
  });

  it('walks a chain of 50,000 references without overflowing the stack', () => {
    const n = 50_000;
    const chain: Graph = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    expect(cycleOf(chain)).toBeUndefined();
    chain[n - 1] = [0];
    expect(cycleOf(chain)).toHaveLength(n);
  });

  it('reports a cycle iff one is reachable from the root, and the reported one is real', () => {
    const graphs = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.record({
        graph: fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
        root: fc.nat(n - 1),
      }),
    );
    fc.assert(
      fc.property(graphs, ({ graph, root }) => {
        const cycle = cycleOf(graph, root);
        expect(cycle !== undefined).toBe(hasReachableCycle(graph, root));
        if (!cycle) return;
        // Each step is an edge of the graph, and the steps join up into a closed walk…
        cycle.forEach((step, i) => {
          const to = Number(step.path.slice(1));
          expect(graph[step.from]).toContain(to);
          expect(to).toBe(cycle[(i + 1) % cycle.length].from);
        });
        // …through distinct packages, the first of which the root reaches.
        expect(new Set(cycle.map((s) => s.from)).size).toBe(cycle.length);
        const reachable = new Set([root]);
        for (let grew = true; grew;) {
          grew = false;
          for (const v of [...reachable])
            for (const t of graph[v])
              if (!reachable.has(t)) {
                reachable.add(t);
                grew = true;
              }
        }
        expect(reachable.has(cycle[0].from)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('referenceCycleError', () => {
  it('names the cycle and the file and line of each reference on it', () => {
    const err = referenceCycleError(
      [
        { from: 'out/a.pkg.yaml', path: 'out/b.pkg.yaml' },
        { from: 'out/b.pkg.yaml', path: 'out/a.pkg.yaml' },
      ],
      {
        file: (v) => v,
        site: (v) => (v === 'out/a.pkg.yaml' ? { line: 4, column: 11, field: 'references[0].path' } : { line: 7 }),
      },
    );
    expect(err.code).toBe('REFERENCE_CYCLE');
    expect(err.message).toContain('out/a.pkg.yaml → out/b.pkg.yaml → out/a.pkg.yaml');
    expect(err.message).toContain('out/a.pkg.yaml line 4 references out/b.pkg.yaml');
    expect(err.message).toContain('out/b.pkg.yaml line 7 references out/a.pkg.yaml');
    expect(err.message).toMatch(/remove one of these references/);
    expect(err.details).toMatchObject({
      cycle: ['out/a.pkg.yaml', 'out/b.pkg.yaml', 'out/a.pkg.yaml'],
      issues: [
        { file: 'out/a.pkg.yaml', line: 4, column: 11, field: 'references[0].path' },
        { file: 'out/b.pkg.yaml', line: 7 },
      ],
    });
  });
});
