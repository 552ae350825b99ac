// Progress of a real DuckDB run: indeterminate while the statement has no DuckDB figure, numeric (nodes done + its fraction) when it has one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunProgress } from './package-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';
import { phasesPackage } from '../../test/support/phases-package';

let fx: EngineFixture;
beforeEach(() => {
  fx = engineFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

const PHASES = phasesPackage();

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
