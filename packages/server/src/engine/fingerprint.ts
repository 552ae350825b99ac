// Fingerprints that key node results: equal fingerprints mean an equal result can be reused.
import { hash } from 'node:crypto';

/**
 * A stable JSON text (sorted keys) so equal values hash equally: JSON.stringify's text with object
 * keys in order, bigints as strings. Written out rather than through a JSON.stringify replacer,
 * which costs twice as much, and every Integrator call fingerprints its input rows.
 */
export function stableJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** The JSON text of `v`, or undefined where JSON.stringify leaves a value out (undefined, a function). */
function write(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    case 'bigint':
      return JSON.stringify(v.toString());
    case 'object':
      break;
    default:
      return undefined;
  }
  const o = v as { toJSON?: () => unknown };
  if (typeof o.toJSON === 'function') return write(o.toJSON());
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += `${i ? ',' : ''}${write(v[i]) ?? 'null'}`;
    return `${s}]`;
  }
  let s = '{';
  for (const key of Object.keys(v).sort()) {
    const text = write((v as Record<string, unknown>)[key]);
    if (text === undefined) continue;
    s += `${s.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${s}}`;
}

/** Short texts fingerprinted lately, and their hashes: a repeated call fingerprints the same texts. */
const recent = new Map<string, string>();
const RECENT_TEXTS = 512;
const RECENT_TEXT_CHARS = 2048;

export function fingerprint(...parts: unknown[]): string {
  const text = parts.map((p) => (typeof p === 'string' ? p : stableJson(p))).join('\u0000');
  // One sha256 through node:crypto costs ~5 µs here, many times a Map lookup of the same text.
  if (text.length > RECENT_TEXT_CHARS) return hash('sha256', text).slice(0, 32);
  let fp = recent.get(text);
  if (fp === undefined) {
    fp = hash('sha256', text).slice(0, 32);
    if (recent.size >= RECENT_TEXTS) recent.clear();
    recent.set(text, fp);
  }
  return fp;
}
