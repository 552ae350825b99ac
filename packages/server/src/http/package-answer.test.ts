// The sliced package answer is the same JSON as the whole one, whatever the node count and the texts in it.
import type { PackageDto } from '@flowport/protocol';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { NODES_AT_ONCE, slices } from './package-answer';

async function text(dto: PackageDto): Promise<string> {
  let out = '';
  for await (const s of slices(dto)) out += s;
  return out;
}

const dtoWith = (nodes: unknown[], name: string) =>
  ({ id: 'p1', name, version: '1.0.0', path: null, nodes, variables: [], issues: [] }) as unknown as PackageDto;

it('writes the JSON of the whole answer, nodes last, for counts around the slice size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(1, NODES_AT_ONCE - 1, NODES_AT_ONCE, NODES_AT_ONCE + 1, 2 * NODES_AT_ONCE + 3),
      fc.string({ unit: 'grapheme' }),
      fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }),
      async (n, name, texts) => {
        const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, kind: 'sql', sql: texts[i % texts.length] }));
        const dto = dtoWith(nodes, name);
        const written = await text(dto);
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(dto)));
        expect(written.endsWith(']}')).toBe(true);
      },
    ),
    { numRuns: 25 },
  );
});

it('lets the event loop turn between slices', async () => {
  const dto = dtoWith(
    Array.from({ length: 3 * NODES_AT_ONCE }, (_, i) => ({ id: `n${i}` })),
    'Large',
  );
  let other = false;
  const seen: boolean[] = [];
  setImmediate(() => (other = true)); // another request's work, waiting for the loop
  for await (const s of slices(dto)) seen.push(other && s.length > 0);
  expect(seen).toEqual([false, false, true, true, true]); // head, three slices, end: it ran after the first slice
});
