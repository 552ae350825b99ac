// Finds a cycle in the references between packages: a package that reaches itself would call itself forever.
import { DomainError } from '../shared/domain-error';

/** Where a package declares one of its references, so an error can point at the line to change. */
export interface ReferenceSite {
  line?: number;
  column?: number;
  /** The field, e.g. `references[0].path`. */
  field?: string;
}

/** How to walk a reference graph whose vertices are of type N. */
export interface ReferenceGraph<N> {
  /**
   * Vertices with the same key are one package. Keys are storage paths, so an open package and the
   * shared instance of its own file are one: a file that reaches its own path is a cycle, whichever
   * instance serves that path.
   */
  key(n: N): string;
  /** The direct references of a vertex: the referenced path and the vertex serving it. */
  next(n: N): Iterable<readonly [string, N]>;
}

/** One reference along a cycle: `from` (a vertex) references `path`. */
export interface CycleStep<N> {
  from: N;
  path: string;
}

/**
 * The first cycle reachable from `root`, as the references along it: the first step's vertex is
 * where the cycle starts (the root itself when the root is in it) and the last step leads back
 * to it. Iterative, so a long chain of references cannot overflow the stack.
 */
export function findReferenceCycle<N>(root: N, g: ReferenceGraph<N>): CycleStep<N>[] | undefined {
  // Explored vertices, by identity, not by key: two instances of one file (a stale one and the
  // current one, of different versions) can have different references, and both must be walked.
  const done = new Set<N>();
  /** Key -> its index on the stack, for the keys on the current path. */
  const onPath = new Map<string, number>();
  const stack: { node: N; edges: Iterator<readonly [string, N]>; via?: string }[] = [];
  const push = (node: N) => {
    onPath.set(g.key(node), stack.length);
    stack.push({ node, edges: g.next(node)[Symbol.iterator]() });
  };
  push(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const step = top.edges.next();
    if (step.done) {
      stack.pop();
      const key = g.key(top.node);
      onPath.delete(key);
      done.add(top.node);
      continue;
    }
    const [path, target] = step.value;
    top.via = path;
    const key = g.key(target);
    const at = onPath.get(key);
    if (at !== undefined) return stack.slice(at).map((f) => ({ from: f.node, path: f.via! }));
    if (!done.has(target)) push(target);
  }
  return undefined;
}

/** How an error names a vertex of a cycle: its file (or label) and where it declares a reference. */
export interface CycleLabels<N> {
  file(n: N): string;
  site(n: N, path: string): ReferenceSite | undefined;
}

/**
 * REFERENCE_CYCLE naming the cycle (`a → b → a`) and the file and line of each reference along it;
 * `details.issues` carries them as package issues, which the Studio shows at their lines.
 */
export function referenceCycleError<N>(cycle: CycleStep<N>[], labels: CycleLabels<N>): DomainError {
  const files = [labels.file(cycle[0].from), ...cycle.map((s) => s.path)];
  const chain = files.join(' → ');
  const issues = cycle.map((s) => {
    const file = labels.file(s.from);
    const site = labels.site(s.from, s.path);
    return {
      message: `This reference to ${s.path} closes the reference cycle ${chain}; a package cannot call itself, directly or through other packages.`,
      file,
      line: site?.line,
      column: site?.column,
      field: site?.field,
    };
  });
  const where = cycle
    .map((s, i) => {
      const line = issues[i].line;
      return `${issues[i].file}${line ? ` line ${line}` : ''} references ${s.path}`;
    })
    .join('; ');
  return new DomainError(
    'REFERENCE_CYCLE',
    `The package references form a cycle: ${chain} (${where}). A package cannot call itself, directly or through other packages: remove one of these references.`,
    { cycle: files, issues },
  );
}
