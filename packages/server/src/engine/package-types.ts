// The in-memory shape of a parsed *.pkg.yaml package (docs/package-format.md); field names are the file's own.
import type { NodeAccess, NodeKind } from '@flowport/protocol';

export type ValueType = 'string' | 'number' | 'integer' | 'boolean' | 'date';
export type FileFormat = 'csv' | 'json' | 'parquet';

export interface ReferenceDef {
  alias: string;
  path: string;
  /** A semver range the referenced file's version must satisfy. */
  version?: string;
}

export interface VariableDef {
  type: ValueType;
  default?: unknown;
  nullable?: boolean;
}

interface NodeBase {
  id: string;
  kind: NodeKind;
  access: NodeAccess;
  description?: string;
}

export interface ImportNodeDef extends NodeBase {
  kind: 'import';
  file: string;
  format: FileFormat;
}

export interface InputNodeDef extends NodeBase {
  kind: 'input';
  columns: Record<string, ValueType>;
}

export interface SqlNodeDef extends NodeBase {
  kind: 'sql';
  inputs: string[];
  sql: string;
}

export interface CallNodeDef extends NodeBase {
  kind: 'call';
  /** A reference alias. */
  package: string;
  /** A public node of the referenced package. */
  node: string;
  /** Callee input node id -> our node id. */
  inputs: Record<string, string>;
}

export interface ExportNodeDef extends NodeBase {
  kind: 'export';
  input: string;
  file: string;
  format: FileFormat;
}

export type NodeDef = ImportNodeDef | InputNodeDef | SqlNodeDef | CallNodeDef | ExportNodeDef;

/** Where a field of the source sits, for issues that name a line (1-based line and column). */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface PackageDef {
  name: string;
  version: string;
  description?: string;
  references: ReferenceDef[];
  variables: Record<string, VariableDef>;
  nodes: NodeDef[];
  /** The file the package was parsed from (storage path, or a label for drafts). */
  file: string;
  /** Field path (e.g. `nodes[2].inputs[0]`) -> its position in the YAML text. */
  positions: Record<string, SourcePosition>;
}

/** The node ids a node reads from, in declaration order. */
export function nodeDependencies(node: NodeDef): string[] {
  switch (node.kind) {
    case 'sql':
      return node.inputs;
    case 'call':
      return Object.values(node.inputs);
    case 'export':
      return [node.input];
    default:
      return [];
  }
}

export function formatFromFile(file: string): FileFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.json') || lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'json';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}
