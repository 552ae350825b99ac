// Parsing in worker threads: the same result as on the calling thread, errors as DomainErrors, the event loop free.
import { afterAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../shared/domain-error';
import { executionOrder, findCycle } from './package-graph';
import { MAX_ISSUES, MAX_PACKAGE_NODES, parsePackage } from './package-parser';
import { INLINE_PARSE_CHARS, ParsePool } from './parse-pool';

/** A package of `n` nodes: an input every 100, the others each reading the one before. */
function generated(n: number, name = 'big'): string {
  const lines = [`name: ${name}`, 'version: 1.0.0', 'nodes:'];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) lines.push(`  - id: n${i}`, '    kind: input', '    columns: { id: integer, v: number }');
    else lines.push(`  - id: n${i}`, '    kind: sql', `    inputs: [n${i - 1}]`, `    sql: SELECT v FROM n${i - 1}`);
  }
  return `${lines.join('\n')}\n`;
}

const pool = new ParsePool(1);
afterAll(() => pool.close());

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('ParsePool', () => {
  it('parses a large text in a worker to what the calling thread would parse, reusing the worker', async () => {
    const text = generated(3000);
    expect(text.length).toBeGreaterThan(INLINE_PARSE_CHARS);
    const here = parsePackage(text, 'big.pkg.yaml');
    const there = await pool.parse(text, 'big.pkg.yaml');
    expect(pool.workers).toBe(1);
    expect(there.issues).toEqual(here.issues);
    expect(there.graphIssues).toEqual([]);
    const { positions: _p, ...def } = there.def!;
    const { positions: _q, ...expected } = here.def!;
    expect(def).toEqual(JSON.parse(JSON.stringify(expected)));
    // Positions that later checks can ask for come along: references, variables, the root.
    expect(there.def!.positions.nodes).toEqual(here.def!.positions.nodes);
    const again = await pool.parse(generated(3000, 'again'), 'again.pkg.yaml');
    expect(again.def!.name).toBe('again');
    expect(pool.workers).toBe(1);
  });

  it('keeps the positions a call node may be named at', async () => {
    const text = `name: caller\nreferences: [{alias: lib, path: lib.pkg.yaml}]\nnodes:\n  - id: rows\n    kind: input\n    columns: { id: integer }\n  - id: c\n    kind: call\n    package: lib\n    node: doubled\n    inputs: { rows: rows }\n${'# padding\n'.repeat(2000)}`;
    const here = parsePackage(text, 'c.pkg.yaml').def!.positions;
    const there = (await pool.parse(text, 'c.pkg.yaml')).def!.positions;
    for (const key of ['references[0].path', 'nodes[1]', 'nodes[1].node', 'nodes[1].inputs.rows'])
      expect(there[key]).toEqual(here[key]);
    expect(there['nodes[0].columns']).toBeUndefined();
  });

  it('answers the issues of a broken text with their lines', async () => {
    const text = `${generated(300)}  - id: n1\n    kind: sql\n    inputs: [nowhere]\n    sql: SELECT 1\n`;
    const r = await pool.parse(text, 'broken.pkg.yaml');
    expect(r.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('Duplicate node id "n1"'), expect.stringContaining('"nowhere"')]),
    );
    expect(r.issues.every((i) => i.file === 'broken.pkg.yaml' && typeof i.line === 'number')).toBe(true);
    const yamlError = await pool.parse(`${generated(300)}  - id: [unclosed\n`, 'bad.pkg.yaml');
    expect(yamlError.def).toBeUndefined();
    expect(yamlError.issues[0].message).toMatch(/^YAML syntax/);
  });

  it('turns the errors a worker throws into DomainErrors', async () => {
    const tooMany = `name: many\nnodes:\n${'  - {id: x, kind: input, columns: {}}\n'.repeat(MAX_PACKAGE_NODES + 1)}`;
    const err = await failure(pool.parse(tooMany, 'many.pkg.yaml'));
    expect(isDomainError(err) && err.code).toBe('PACKAGE_TOO_LARGE');
    expect((err as Error).message).toContain(`has ${MAX_PACKAGE_NODES + 1} nodes; the limit is ${MAX_PACKAGE_NODES}`);
    const tooBig = await failure(pool.parse('x'.repeat(2000), 'big.pkg.yaml', 1000));
    expect(isDomainError(tooBig) && tooBig.code).toBe('FILE_TOO_LARGE');
  }, 60_000);

  it('leaves the event loop free while a large text parses', async () => {
    const text = generated(20_000);
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const r = await pool.parse(text, 'large.pkg.yaml');
    clearInterval(timer);
    expect(r.def!.nodes).toHaveLength(20_000);
    const took = performance.now() - started;
    console.log(`20,000 nodes parsed in ${Math.round(took)} ms; the event loop waited at most ${Math.round(worst)} ms`);
    // Parsing takes seconds; the loop never waited more than a fraction of that.
    expect(worst).toBeLessThan(Math.max(250, took / 4));
  }, 60_000);
});

describe('large packages on the calling thread', () => {
  it('counts the issues beyond the first ones instead of listing thousands', () => {
    const lines = ['name: unknown', 'nodes:'];
    for (let i = 0; i < 3000; i++) lines.push(`  - {id: n${i}, kind: sql, inputs: [x${i}], sql: "SELECT 1"}`);
    const started = performance.now();
    const { issues } = parsePackage(lines.join('\n'), 'u.pkg.yaml');
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues.at(-1)!.message).toMatch(/^…and 2900 more issues after line \d+/);
    // Each unknown input named every node: quadratic, 0.7 s for 3000 nodes and out of memory for 60,000.
    expect(issues[0].message).toMatch(/known nodes: n0, n1, .*, … \(3000 in all\)\.$/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('orders and checks a chain of 60,000 nodes written last to first without overflowing the stack', () => {
    const n = 60_000;
    const nodes = Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k;
      return i === 0
        ? { id: 'n0', kind: 'input' as const, access: 'private' as const, columns: {} }
        : { id: `n${i}`, kind: 'sql' as const, access: 'private' as const, inputs: [`n${i - 1}`], sql: 'SELECT 1' };
    });
    const def = { name: 'chain', version: '1.0.0', references: [], variables: {}, nodes, file: 'c', positions: {} };
    expect(findCycle(def)).toBeUndefined();
    const order = executionOrder(def, [`n${n - 1}`]);
    expect(order.map((x) => x.id).slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
    expect(order).toHaveLength(n);
    nodes[n - 1] = { id: 'n0', kind: 'sql', access: 'private', inputs: [`n${n - 1}`], sql: 'SELECT 1' };
    expect(findCycle(def)).toHaveLength(n + 1);
  });
});
