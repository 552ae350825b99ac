// Graph checks of a package (ids, cycles, references) and the execution order of the nodes a run needs.
import semver from 'semver';
import type { PackageIssue } from '@flowport/protocol';
import { positionOf } from './package-positions';
import { nodeDependencies, type NodeDef, type PackageDef } from './package-types';

function issueAt(def: PackageDef, segments: (string | number)[], message: string): PackageIssue {
  const pos = positionOf(def.positions, segments);
  let field = '';
  for (const s of segments) field += typeof s === 'number' ? `[${s}]` : field ? `.${s}` : s;
  return { message, file: def.file, line: pos?.line, column: pos?.column, field: field || undefined };
}

/** The segments of each dependency field of a node, paired with the node id it names. */
function dependencyFields(node: NodeDef, index: number): { segments: (string | number)[]; id: string }[] {
  switch (node.kind) {
    case 'sql':
      return node.inputs.map((id, i) => ({ segments: ['nodes', index, 'inputs', i], id }));
    case 'call':
      return Object.entries(node.inputs).map(([k, id]) => ({ segments: ['nodes', index, 'inputs', k], id }));
    case 'export':
      return [{ segments: ['nodes', index, 'input'], id: node.input }];
    default:
      return [];
  }
}

/** Duplicate and unknown node ids, unknown reference aliases and cycles, each with its line. */
export function checkGraph(def: PackageDef): PackageIssue[] {
  const issues: PackageIssue[] = [];
  const firstIndex = new Map<string, number>();
  def.nodes.forEach((node, i) => {
    const seen = firstIndex.get(node.id);
    if (seen !== undefined) {
      const line = positionOf(def.positions, ['nodes', seen])?.line;
      issues.push(
        issueAt(
          def,
          ['nodes', i, 'id'],
          `Duplicate node id "${node.id}" (first defined at line ${line ?? '?'}); give each node a unique id.`,
        ),
      );
    } else firstIndex.set(node.id, i);
  });
  const aliases = new Set(def.references.map((r) => r.alias));
  def.nodes.forEach((node, i) => {
    for (const dep of dependencyFields(node, i)) {
      if (!firstIndex.has(dep.id)) {
        issues.push(
          issueAt(
            def,
            dep.segments,
            `Node "${node.id}" reads from unknown node "${dep.id}"; known nodes: ${[...firstIndex.keys()].join(', ')}.`,
          ),
        );
      } else if (dep.id === node.id) {
        issues.push(issueAt(def, dep.segments, `Node "${node.id}" reads from itself; a package is an acyclic graph.`));
      }
    }
    if (node.kind === 'call' && !aliases.has(node.package)) {
      issues.push(
        issueAt(
          def,
          ['nodes', i, 'package'],
          `Node "${node.id}" calls package alias "${node.package}", which is not in references; add it under references or fix the alias.`,
        ),
      );
    }
  });
  const cycle = findCycle(def);
  if (cycle) {
    const index = def.nodes.findIndex((n) => n.id === cycle[0]);
    issues.push(
      issueAt(def, ['nodes', index], `The nodes form a cycle: ${cycle.join(' -> ')}; remove one of these inputs.`),
    );
  }
  const seenAlias = new Set<string>();
  def.references.forEach((ref, i) => {
    if (seenAlias.has(ref.alias))
      issues.push(issueAt(def, ['references', i, 'alias'], `Duplicate reference alias "${ref.alias}".`));
    seenAlias.add(ref.alias);
  });
  return issues;
}

/** A cycle as a list of ids that starts and ends with the same node, or undefined. */
export function findCycle(def: PackageDef): string[] | undefined {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    const node = byId.get(id);
    if (!node) return undefined;
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of nodeDependencies(node)) {
      if (dep === id) continue; // reported as a self-read
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of def.nodes) {
    const found = visit(node.id);
    if (found) return found;
  }
  return undefined;
}

/** The nodes needed to activate `targets` (all nodes when none), predecessors first. */
export function executionOrder(def: PackageDef, targets?: string[]): NodeDef[] {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const order: NodeDef[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = byId.get(id);
    if (!node) return;
    for (const dep of nodeDependencies(node)) visit(dep);
    order.push(node);
  };
  for (const id of targets ?? def.nodes.map((n) => n.id)) visit(id);
  return order;
}

/** What the referencing package needs to know of a referenced one. */
export interface ReferencedPackage {
  version: string;
  nodes: { id: string; kind: string; access: string }[];
}

/**
 * Checks references against the referenced packages that are known: the version range, and that
 * each `call` names a public node (published nodes are public too) of the referenced package.
 */
export function checkReferences(
  def: PackageDef,
  referenced: Record<string, ReferencedPackage | undefined>,
): PackageIssue[] {
  const issues: PackageIssue[] = [];
  def.references.forEach((ref, i) => {
    const target = referenced[ref.alias];
    if (!target || !ref.version) return;
    if (!semver.satisfies(target.version, ref.version, { includePrerelease: true })) {
      issues.push(
        issueAt(
          def,
          ['references', i, 'version'],
          `Reference "${ref.alias}" (${ref.path}) needs version ${ref.version}, but the file has version ${target.version}; update the range or the referenced package.`,
        ),
      );
    }
  });
  def.nodes.forEach((node, i) => {
    if (node.kind !== 'call') return;
    const target = referenced[node.package];
    if (!target) return;
    const callee = target.nodes.find((n) => n.id === node.node);
    if (!callee) {
      issues.push(
        issueAt(
          def,
          ['nodes', i, 'node'],
          `Node "${node.id}" calls "${node.package}.${node.node}", which does not exist; public nodes: ${publicIds(target)}.`,
        ),
      );
    } else if (callee.access === 'private') {
      issues.push(
        issueAt(
          def,
          ['nodes', i, 'node'],
          `Node "${node.id}" calls "${node.package}.${node.node}", which is private; mark it access: public in the referenced package. Public nodes: ${publicIds(target)}.`,
        ),
      );
    } else {
      for (const [calleeInput, ours] of Object.entries(node.inputs)) {
        const input = target.nodes.find((n) => n.id === calleeInput);
        if (!input || input.kind !== 'input') {
          issues.push(
            issueAt(
              def,
              ['nodes', i, 'inputs', calleeInput],
              `Node "${node.id}" passes "${ours}" to "${node.package}.${calleeInput}", which is not an input node of that package.`,
            ),
          );
        }
      }
    }
  });
  return issues;
}

function publicIds(target: ReferencedPackage): string {
  const ids = target.nodes.filter((n) => n.access !== 'private').map((n) => n.id);
  return ids.length ? ids.join(', ') : '(none)';
}
