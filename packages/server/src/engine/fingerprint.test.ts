import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, stableJson } from './fingerprint';

/** JSON.stringify's value of `v` (bigints as strings, as the fingerprint writes them). */
const jsonValueOf = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_key, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null');

/** The same value with every object's keys in reverse order. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
}

/** Values as requests bring them, plus what JSON leaves out or rewrites (undefined, -0, bigint, a Date). */
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constant(undefined),
    fc.constant(-0),
    fc.bigInt(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('any'), { maxKeys: 4 }),
  ),
})).any;

describe('fingerprints', () => {
  it('write JSON that reads back as the value JSON.stringify writes, whatever the order of its keys', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = stableJson(v);
        expect(JSON.parse(text)).toEqual(jsonValueOf(v));
        expect(stableJson(reordered(v))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('are equal for equal values whatever their key order, and differ when a value differs', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(fingerprint('input', [o])).toBe(fingerprint('input', [reversed]));
        expect(fingerprint('input', [o])).not.toBe(fingerprint('input', [{ ...o, '\u0000extra': 1 }]));
      }),
    );
    // The parts are separated, so moving text from one part to the next changes the fingerprint.
    expect(fingerprint('ab', 'c')).not.toBe(fingerprint('a', 'bc'));
    expect(fingerprint('sql', [{ n: 1 }])).not.toBe(fingerprint('sql', [{ n: '1' }]));
  });

  it('are the sha256 of their text however often a text comes back, short or long', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
    const texts = [...Array.from({ length: 1500 }, (_, i) => `row ${i % 700}`), 'x'.repeat(5000), 'x'.repeat(5000)];
    for (const t of texts) expect(fingerprint('input', t)).toBe(sha(`input\u0000${t}`));
  });
});
