import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureExampleData, installExamples } from './example-data';
import { checkReferences } from './package-graph';
import { describePackage, loadPackage } from './package-loader';
import type { PackageRuntime } from './package-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/storage', import.meta.url));
let fx: EngineFixture;

beforeAll(async () => {
  fx = engineFixture();
  await installExamples(EXAMPLES, fx.storage.root);
  // A small table instead of the million rows generated at first start: same columns, same values.
  await ensureExampleData(fx.storage.root, { rows: 5000 });
});
afterAll(async () => {
  await fx.cleanup();
});

async function load(rel: string) {
  const loaded = await loadPackage(fx.storage, rel);
  expect(loaded.def, `${rel}: ${JSON.stringify(loaded.issues)}`).toBeDefined();
  return loaded;
}

describe('example packages', () => {
  it('all parse cleanly except the broken one, which reports line-numbered issues', async () => {
    for (const rel of [
      'lib/common.pkg.yaml',
      'credit/scoring.pkg.yaml',
      'demo/hello.pkg.yaml',
      'demo/long-aggregation.pkg.yaml',
    ]) {
      expect((await load(rel)).issues, rel).toEqual([]);
    }
    const broken = await loadPackage(fx.storage, 'demo/broken.pkg.yaml');
    expect(broken.issues.map((i) => [i.line, i.field])).toEqual([
      [11, 'nodes[1].inputs[0]'],
      [17, 'nodes[2].file'],
    ]);
    expect(broken.issues.every((i) => i.file === 'demo/broken.pkg.yaml')).toBe(true);
  });

  it('scoring references a common package whose version and public node fit', async () => {
    const scoring = await load('credit/scoring.pkg.yaml');
    const common = await load('lib/common.pkg.yaml');
    expect(describePackage(scoring.def!)).toEqual({
      name: 'Credit scoring',
      version: '1.2.0',
      references: ['lib/common.pkg.yaml'],
    });
    expect(checkReferences(scoring.def!, { common: common.def! })).toEqual([]);
    expect(scoring.stat.fileVersion).toBeTruthy();
  });

  it('scores applicants through the common package', async () => {
    const common = fx.runtime((await load('lib/common.pkg.yaml')).text);
    const scoring: PackageRuntime = fx.runtime((await load('credit/scoring.pkg.yaml')).text, {
      resolveReference: () => common,
    });
    const r = await scoring.run({
      node: 'scored',
      requireAccess: 'published',
      inputs: {
        applicants: [
          { id: 1, income: 50000, age: 30 },
          { id: 99999999, income: -10, age: 12 },
        ],
      },
    });
    expect(r.rows).toEqual([
      { id: 1, segment: 'senior', income: 50000, age: 30, score: 24.93, credit_limit: 48261 },
      { id: 99999999, segment: 'unknown', income: 0, age: 18, score: 0, credit_limit: 0 },
    ]);
    const warm = await scoring.run({ node: 'scored', inputs: { applicants: [{ id: 2, income: 1000, age: 40 }] } });
    expect(warm.reused).toContain('customers');
  });

  it('greets through the hello package', async () => {
    const hello = fx.runtime((await load('demo/hello.pkg.yaml')).text);
    const r = await hello.run({ node: 'greeting', requireAccess: 'published', inputs: { names: [{ name: 'Ada' }] } });
    expect(r.rows).toEqual([{ name: 'Ada', greeting: 'Hello, Ada!' }]);
  });

  it('runs the long aggregation on a small scale', async () => {
    const long = fx.runtime((await load('demo/long-aggregation.pkg.yaml')).text);
    const r = await long.run({ node: 'totals', variables: { rows: 970, rounds: 2 } });
    expect(r.total).toBe(97);
    expect(r.rows?.[0]).toEqual({ bucket: 0, events: 10, digest_chars: 320 });
  });

  it('generates the example data once, deterministically', async () => {
    expect(await ensureExampleData(fx.storage.root, { rows: 5000 })).toEqual({
      path: 'data/customers.parquet',
      created: false,
    });
    expect((await fs.stat(path.join(fx.storage.root, 'data/customers.parquet'))).size).toBeGreaterThan(0);
    expect(await installExamples(EXAMPLES, fx.storage.root)).toEqual([]);
  });
});
