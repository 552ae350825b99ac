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
  let known: string | undefined;
  def.nodes.forEach((node, i) => {
    for (const dep of dependencyFields(node, i)) {
      if (!firstIndex.has(dep.id)) {
        // Written once and shortened: every unknown input naming every node was quadratic in the nodes.
        known ??= someOf([...firstIndex.keys()]);
        issues.push(
          issueAt(def, dep.segments, `Node "${node.id}" reads from unknown node "${dep.id}"; known nodes: ${known}.`),
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

/** At most `max` of `ids`, and how many there are when that is not all. */
function someOf(ids: string[], max = 20): string {
  if (ids.length === 0) return '(none)';
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, … (${ids.length} in all)`;
}

/** One step of an iterative depth-first walk: a node and how many of its dependencies were visited. */
interface Frame {
  id: string;
  node: NodeDef | undefined;
  deps: string[];
  next: number;
}

function frameOf(byId: Map<string, NodeDef>, id: string): Frame {
  const node = byId.get(id);
  return { id, node, deps: node ? nodeDependencies(node) : [], next: 0 };
}

/**
 * A cycle as a list of ids that starts and ends with the same node, or undefined. Iterative: a
 * package may chain tens of thousands of nodes, deeper than the call stack goes.
 */
export function findCycle(def: PackageDef): string[] | undefined {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of def.nodes) {
    if (state.has(start.id)) continue;
    state.set(start.id, 'visiting');
    const stack = [frameOf(byId, start.id)];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === top.deps.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const dep = top.deps[top.next++];
      if (dep === top.id || !byId.has(dep)) continue; // a self-read and unknown nodes are reported apart
      const s = state.get(dep);
      if (s === 'visiting') return [...stack.slice(stack.findIndex((f) => f.id === dep)).map((f) => f.id), dep];
      if (s === undefined) {
        state.set(dep, 'visiting');
        stack.push(frameOf(byId, dep));
      }
    }
  }
  return undefined;
}

/** The nodes needed to activate `targets` (all nodes when none), predecessors first; iterative, as findCycle. */
export function executionOrder(def: PackageDef, targets?: string[]): NodeDef[] {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const order: NodeDef[] = [];
  const seen = new Set<string>();
  for (const target of targets ?? def.nodes.map((n) => n.id)) {
    if (seen.has(target)) continue;
    seen.add(target);
    const stack = [frameOf(byId, target)];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++];
        if (!seen.has(dep)) {
          seen.add(dep);
          stack.push(frameOf(byId, dep));
        }
        continue;
      }
      stack.pop();
      if (top.node) order.push(top.node);
    }
  }
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
  return someOf(target.nodes.filter((n) => n.access !== 'private').map((n) => n.id));
}
