// Maps every field of a parsed YAML document to its line and column, so issues can name them.
import { isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';
import type { SourcePosition } from './package-types';

/** `nodes[2].sql` from path segments; numbers are array indexes. */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** Segments of an ajv instancePath (a JSON pointer), digits read as array indexes. */
export function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Positions of every map key, sequence item and the root, keyed by field path. Each path is its
 * parent's plus one segment (what fieldPath writes), never rebuilt from all its segments: a large
 * package has hundreds of thousands of fields.
 */
export function collectPositions(
  root: YamlNode | null | undefined,
  lines: LineCounter,
): Record<string, SourcePosition> {
  const positions: Record<string, SourcePosition> = {};
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const walk = (node: unknown, prefix: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = prefix ? `${prefix}.${key}` : key;
        const range = (pair.key as YamlNode | null)?.range ?? (pair.value as YamlNode | null)?.range;
        if (range) positions[child] = at(range[0]);
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = `${prefix}[${i}]`;
        const range = (item as YamlNode | null)?.range;
        if (range) positions[child] = at(range[0]);
        walk(item, child);
      });
    }
  };
  if (root?.range) positions[''] = at(root.range[0]);
  walk(root, '');
  return positions;
}

/** The position of a field, else of its nearest parent that has one. */
export function positionOf(
  positions: Record<string, SourcePosition>,
  segments: readonly (string | number)[],
): SourcePosition | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const p = positions[fieldPath(segments.slice(0, n))];
    if (p) return p;
  }
  return undefined;
}
