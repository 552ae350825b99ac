// Fingerprints that key node results: equal fingerprints mean an equal result can be reused.
import { createHash } from 'node:crypto';

/** A stable JSON text (sorted keys) so equal values hash equally. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

export function fingerprint(...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : stableJson(p)).update('\u0000');
  return h.digest('hex').slice(0, 32);
}
