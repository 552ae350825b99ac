// A parse result as a worker sends it back: cheap for the main thread to receive, and rebuilt there in short steps.
import type { PackageIssue } from '@flowport/protocol';
import { nextTurn } from './next-turn';
import type { ParseResult } from './package-parser';
import type { NodeDef, PackageDef, SourcePosition } from './package-types';

/** Nodes per JSON chunk: each is parsed in a few milliseconds, and the event loop turns between them. */
export const NODES_PER_CHUNK = 1000;

/**
 * A ParseResult for postMessage. Receiving 60,000 node objects through the structured clone took
 * about 100 ms in one go on the receiving thread; strings arrive at once (a copy), and the nodes
 * are parsed from them chunk by chunk. Only the positions later checks may ask for travel (see
 * keptPositions): all of them were 300,000 entries and a second of cloning.
 */
/** What the pool asks a worker. */
export interface ParseRequest {
  id: number;
  text: string;
  file: string;
  maxBytes?: number;
}

/** A worker's answer: the packed result, or the DomainError parsing threw (FILE_TOO_LARGE, PACKAGE_TOO_LARGE). */
export type ParseReply =
  | { id: number; result: PackedParse }
  | { id: number; error: { code: string; message: string; details?: Record<string, unknown> } };

export interface PackedParse {
  issues: PackageIssue[];
  graphIssues?: PackageIssue[];
  /** The package without its nodes and positions. */
  head?: Omit<PackageDef, 'nodes' | 'positions'>;
  /** JSON arrays of nodes, in order. */
  nodeChunks?: string[];
  positions?: Record<string, SourcePosition>;
}

export function packParse(r: ParseResult): PackedParse {
  if (!r.def) return { issues: r.issues };
  const { nodes, positions, ...head } = r.def;
  const nodeChunks: string[] = [];
  for (let i = 0; i < nodes.length; i += NODES_PER_CHUNK)
    nodeChunks.push(JSON.stringify(nodes.slice(i, i + NODES_PER_CHUNK)));
  return { issues: r.issues, graphIssues: r.graphIssues, head, nodeChunks, positions: keptPositions(r.def, positions) };
}

/** Rebuilds the ParseResult, one chunk of nodes per turn of the event loop. */
export async function unpackParse(p: PackedParse): Promise<ParseResult> {
  if (!p.head) return { issues: p.issues };
  const nodes: NodeDef[] = [];
  for (const chunk of p.nodeChunks ?? []) {
    for (const node of JSON.parse(chunk) as NodeDef[]) nodes.push(node);
    await nextTurn();
  }
  return { def: { ...p.head, nodes, positions: p.positions ?? {} }, issues: p.issues, graphIssues: p.graphIssues };
}

/**
 * The positions an issue found after parsing can name: everything outside `nodes` (references,
 * variables) and the fields of call nodes (checked against the referenced package). The graph's
 * own issues were found with all positions, in the worker.
 */
export function keptPositions(def: PackageDef, all: Record<string, SourcePosition>): Record<string, SourcePosition> {
  const kept: Record<string, SourcePosition> = {};
  for (const key in all) if (!key.startsWith('nodes[')) kept[key] = all[key];
  def.nodes.forEach((n, i) => {
    if (n.kind !== 'call') return;
    const at = `nodes[${i}]`;
    const keys = [
      at,
      `${at}.node`,
      `${at}.package`,
      `${at}.inputs`,
      ...Object.keys(n.inputs).map((k) => `${at}.inputs.${k}`),
    ];
    for (const key of keys) if (all[key]) kept[key] = all[key];
  });
  return kept;
}
