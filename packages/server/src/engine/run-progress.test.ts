// Progress of a real DuckDB run: indeterminate while the statement has no DuckDB figure, numeric (nodes done + its fraction) when it has one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunProgress } from './package-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

/** `spin` computes over range() (DuckDB reports −1 for it); `totals` scans a table (DuckDB has a figure). */
const PHASES = `
name: Phases
nodes:
  - id: events
    kind: sql
    sql: SELECT range AS i FROM range(150000)
  - id: spin
    kind: sql
    sql: >-
      SELECT sum(length(list_reduce(list_transform(range(30), x -> x::VARCHAR),
      (acc, x) -> md5(acc || x), range::VARCHAR))) AS s FROM range(60000)
  - id: totals
    kind: sql
    inputs: [events, spin]
    sql: >-
      SELECT sum(length(list_reduce(list_transform(range(30), x -> x::VARCHAR),
      (acc, x) -> md5(acc || x), i::VARCHAR))) AS d FROM events, spin
`;

describe('run progress', () => {
  it('is indeterminate over range(), then numeric over a table, counting the nodes done', async () => {
    const rt = await fx.runtime(PHASES);
    const progress: RunProgress[] = [];
    await rt.run({ node: 'totals', onProgress: (p) => progress.push(p) });
    const summary = progress.map(
      (p) => `${p.node} ${p.nodesDone}/${p.nodesTotal} ${p.indeterminate ? '?' : p.percent}`,
    );
    const spin = progress.filter((p) => p.node === 'spin');
    expect(
      spin.some((p) => p.indeterminate),
      summary.join(', '),
    ).toBe(true);
    expect(spin.filter((p) => p.indeterminate).every((p) => p.nodesDone === 1 && p.nodesTotal === 3)).toBe(true);
    const totals = progress.filter((p) => p.node === 'totals' && !p.indeterminate);
    expect(
      totals.some((p) => p.percent > 66.7 && p.percent < 100),
      summary.join(', '),
    ).toBe(true);
    expect(progress.at(-1)!.percent).toBe(100);
  }, 60_000);
});
