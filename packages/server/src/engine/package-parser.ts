// Parses *.pkg.yaml text into a PackageDef, reporting every problem with its file, line, column and field.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js';
import semver from 'semver';
import { isSeq, LineCounter } from 'yaml';
import type { PackageIssue } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import { checkGraph } from './package-graph';
import { collectPositions, fieldPath, pointerSegments, positionOf } from './package-positions';
import { packageSchema } from './package-schema';
import { formatFromFile, type NodeDef, type PackageDef, type ValueType } from './package-types';
import { checkValue } from './typed-values';
import { MAX_YAML_DEPTH, parseYamlDocument } from './yaml-document';

/** Package files larger than this are refused before parsing. */
export const MAX_PACKAGE_BYTES = 5 * 1024 * 1024;

/**
 * Packages with more nodes are refused (PACKAGE_TOO_LARGE) before they are validated: every open,
 * edit and run walks the nodes, and each answer about the package lists them.
 */
export const MAX_PACKAGE_NODES = 100_000;

/** Issues reported at most; the rest are counted in a last one (a broken large file has thousands). */
export const MAX_ISSUES = 100;

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(packageSchema);

export interface ParseResult {
  /** Present when the file is well-formed and matches the schema (graph issues may remain). */
  def?: PackageDef;
  issues: PackageIssue[];
  /** With `def`: the graph's own issues (also in `issues`), so a runtime need not check the graph again. */
  graphIssues?: PackageIssue[];
}

/**
 * Parses and validates a package; throws FILE_TOO_LARGE for text over the byte limit and
 * PACKAGE_TOO_LARGE for more nodes than the limit. Synchronous and CPU-bound (about a second per
 * megabyte): the server parses large texts in a worker (parse-pool.ts), never on its event loop.
 */
export function parsePackage(text: string, file: string, maxBytes = MAX_PACKAGE_BYTES): ParseResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new DomainError(
      'FILE_TOO_LARGE',
      `Package ${file} has ${bytes} bytes; the limit is ${maxBytes} bytes. Split it into referenced packages.`,
      { file, bytes, limit: maxBytes },
    );
  }
  const lines = new LineCounter();
  const parsed = parseYamlDocument(text, lines, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if ('tooDeep' in parsed) {
    const p = lines.linePos(parsed.tooDeep.offset);
    const message = `YAML nests maps and lists more than ${MAX_YAML_DEPTH} levels deep (level ${MAX_YAML_DEPTH + 1} starts here); no package needs so many: flatten it`;
    return { issues: [{ message, file, line: p.line, column: p.col }] };
  }
  const { doc } = parsed;
  const issues: PackageIssue[] = [];
  for (const err of doc.errors) {
    const p = lines.linePos(err.pos[0]);
    issues.push({ message: `YAML syntax: ${err.message.split('\n')[0]}`, file, line: p.line, column: p.col });
  }
  if (issues.length) return { issues: capped(issues, file) };
  const nodes = doc.get('nodes');
  if (isSeq(nodes) && nodes.items.length > MAX_PACKAGE_NODES) {
    throw new DomainError(
      'PACKAGE_TOO_LARGE',
      `Package ${file} has ${nodes.items.length} nodes; the limit is ${MAX_PACKAGE_NODES} nodes. Split it into packages that reference each other.`,
      { file, nodes: nodes.items.length, limit: MAX_PACKAGE_NODES },
    );
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { issues: [{ message: `YAML: ${(err as Error).message}`, file, line: 1, column: 1 }] };
  }
  const positions = collectPositions(doc.contents, lines);
  const at = (segments: (string | number)[], message: string): PackageIssue => {
    const pos = positionOf(positions, segments);
    return { message, file, line: pos?.line ?? 1, column: pos?.column ?? 1, field: fieldPath(segments) || undefined };
  };

  if (!validate(data)) {
    issues.push(...schemaIssues(validate.errors ?? [], data, at));
    return { issues: capped(issues, file) };
  }
  const def = buildDef(data as RawPackage, file, positions);
  issues.push(...semanticIssues(def, at));
  const graphIssues = checkGraph(def);
  issues.push(...graphIssues);
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { def, issues: capped(issues, file), graphIssues: capped(graphIssues, file) };
}

/** The first MAX_ISSUES issues, and one more that counts those left out. */
function capped(issues: PackageIssue[], file: string): PackageIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const rest = issues.length - MAX_ISSUES;
  const last = issues[MAX_ISSUES - 1];
  return [
    ...issues.slice(0, MAX_ISSUES),
    {
      message: `…and ${rest} more issue${rest === 1 ? '' : 's'} after line ${last.line ?? '?'}; fix these first.`,
      file,
      line: last.line,
    },
  ];
}

type At = (segments: (string | number)[], message: string) => PackageIssue;

interface RawPackage {
  name: string;
  version?: string;
  description?: string;
  references?: { alias: string; path: string; version?: string }[];
  variables?: Record<string, { type: ValueType; default?: unknown; nullable?: boolean }>;
  nodes: (Record<string, unknown> & { id: string; kind: NodeDef['kind'] })[];
}

function buildDef(raw: RawPackage, file: string, positions: PackageDef['positions']): PackageDef {
  const nodes = raw.nodes.map((n): NodeDef => {
    const base = {
      id: n.id,
      access: (n.access as NodeDef['access']) ?? 'private',
      description: n.description as string | undefined,
    };
    switch (n.kind) {
      case 'import':
        return {
          ...base,
          kind: 'import',
          file: n.file as string,
          format: (n.format as never) ?? formatFromFile(n.file as string),
        };
      case 'input':
        return { ...base, kind: 'input', columns: n.columns as Record<string, ValueType> };
      case 'sql':
        return { ...base, kind: 'sql', inputs: (n.inputs as string[]) ?? [], sql: n.sql as string };
      case 'call':
        return {
          ...base,
          kind: 'call',
          package: n.package as string,
          node: n.node as string,
          inputs: (n.inputs as Record<string, string>) ?? {},
        };
      case 'export':
        return {
          ...base,
          kind: 'export',
          input: n.input as string,
          file: n.file as string,
          format: (n.format as never) ?? formatFromFile(n.file as string),
        };
    }
  });
  return {
    name: raw.name,
    version: raw.version ?? '1.0.0',
    description: raw.description,
    references: raw.references ?? [],
    variables: raw.variables ?? {},
    nodes,
    file,
    positions,
  };
}

function semanticIssues(def: PackageDef, at: At): PackageIssue[] {
  const issues: PackageIssue[] = [];
  if (!semver.valid(def.version))
    issues.push(at(['version'], `Version "${def.version}" is not a semantic version such as 1.2.0.`));
  def.references.forEach((ref, i) => {
    if (ref.version !== undefined && !semver.validRange(ref.version)) {
      issues.push(
        at(
          ['references', i, 'version'],
          `Reference "${ref.alias}": "${ref.version}" is not a semver range such as ^1.0.0.`,
        ),
      );
    }
  });
  for (const [name, v] of Object.entries(def.variables)) {
    if (v.default === undefined) continue;
    const checked = checkValue(v.type, v.default, v.nullable ?? false);
    if ('error' in checked)
      issues.push(at(['variables', name, 'default'], `Variable "${name}": default ${checked.error}.`));
    else v.default = checked.value;
  }
  def.nodes.forEach((node, i) => {
    if ((node.kind === 'import' || node.kind === 'export') && !node.format) {
      issues.push(
        at(
          ['nodes', i, 'file'],
          `Node "${node.id}": cannot tell the format of "${node.file}" from its extension; add format: csv, json or parquet.`,
        ),
      );
    }
  });
  return issues;
}

function schemaIssues(errors: ErrorObject[], data: unknown, at: At): PackageIssue[] {
  const seen = new Set<string>();
  const issues: PackageIssue[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue; // the failing `then` branch already says what is wrong
    const segments = pointerSegments(e.instancePath);
    let target = segments;
    let text: string;
    switch (e.keyword) {
      case 'required':
        text = `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
        break;
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        target = [...segments, extra];
        text = `unknown field "${extra}"`;
        break;
      }
      case 'enum':
        text = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
        break;
      case 'pattern':
        text =
          e.parentSchema && 'description' in e.parentSchema
            ? `is not valid: ${String(e.parentSchema.description).replace(/\.$/, '')}`
            : `does not match ${String((e.params as { pattern: string }).pattern)}`;
        break;
      case 'propertyNames':
        continue; // reported by the pattern error on the name itself
      default:
        text = e.message ?? 'is not valid';
    }
    if (e.keyword === 'pattern' && e.propertyName) {
      target = [...segments, e.propertyName];
      text = `name "${e.propertyName}" ${text}`;
    }
    const where = fieldPath(target) || 'the package';
    const message = `${nodeLabel(data, target)}${where} ${text}.`;
    const key = `${where}|${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(at(target, message));
  }
  return issues;
}

/** `node "joined": ` when the field is inside a node that has an id, to help find it. */
function nodeLabel(data: unknown, segments: (string | number)[]): string {
  if (segments[0] !== 'nodes' || typeof segments[1] !== 'number') return '';
  const nodes = (data as { nodes?: unknown[] })?.nodes;
  const node = Array.isArray(nodes) ? nodes[segments[1]] : undefined;
  const id = node && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `node "${id}": ` : '';
}
