import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { checkReferences } from './package-graph';
import { MAX_PACKAGE_BYTES, parsePackage } from './package-parser';
import { packageSchema } from './package-schema';
import { MAX_YAML_DEPTH } from './yaml-document';

const SPEC_EXAMPLE = `name: Credit scoring
version: 1.2.0
references:
  - alias: common
    path: lib/common.pkg.yaml
    version: ^1.0.0            # optional semver range
variables:
  threshold: { type: number, default: 0.5 }
nodes:
  - id: customers
    kind: import
    file: data/customers.parquet
  - id: applicants
    kind: input
    columns: { id: integer, income: number, age: integer }
  - id: joined
    kind: sql
    inputs: [applicants, customers]     # usable as tables by their ids
    sql: SELECT a.*, c.segment FROM applicants a LEFT JOIN customers c USING (id)
  - id: normalized
    kind: call
    package: common                     # a reference alias
    node: normalize                     # a public node of that package
    inputs: { rows: joined }            # its input node <- our node
  - id: scored
    kind: sql
    inputs: [normalized]
    sql: SELECT *, income / 1000.0 * $threshold AS score FROM normalized
    access: published
  - id: save
    kind: export
    input: scored
    file: out/scored.csv
`;

describe('parsePackage', () => {
  it('accepts the package shown in the specification and fills defaults', () => {
    const { def, issues } = parsePackage(SPEC_EXAMPLE, 'credit/scoring.pkg.yaml');
    expect(issues).toEqual([]);
    expect(def?.version).toBe('1.2.0');
    expect(def?.nodes.map((n) => [n.id, n.kind, n.access])).toEqual([
      ['customers', 'import', 'private'],
      ['applicants', 'input', 'private'],
      ['joined', 'sql', 'private'],
      ['normalized', 'call', 'private'],
      ['scored', 'sql', 'published'],
      ['save', 'export', 'private'],
    ]);
    const customers = def?.nodes[0];
    expect(customers?.kind === 'import' && customers.format).toBe('parquet');
    const save = def?.nodes[5];
    expect(save?.kind === 'export' && save.format).toBe('csv');
  });

  it('defaults the version to 1.0.0 and access to private', () => {
    const { def } = parsePackage('name: x\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n', 'x.pkg.yaml');
    expect(def?.version).toBe('1.0.0');
    expect(def?.nodes[0].access).toBe('private');
    expect(def?.references).toEqual([]);
  });

  it('reports YAML syntax errors with file, line and column', () => {
    const { def, issues } = parsePackage('name: x\nnodes:\n  - id: a\n   kind: [sql\n', 'bad.pkg.yaml');
    expect(def).toBeUndefined();
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ file: 'bad.pkg.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(issues[0].message).toMatch(/YAML/);
  });

  it('reports a schema violation at the line of the offending field', () => {
    const text =
      'name: x\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n    colour: red\n  - id: b\n    kind: input\n    columns: { v: float }\n';
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues).toContainEqual(
      expect.objectContaining({
        line: 6,
        field: 'nodes[0].colour',
        message: expect.stringContaining('unknown field "colour"'),
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        line: 9,
        field: 'nodes[1].columns.v',
        message: expect.stringContaining('string, number, integer, boolean, date'),
      }),
    );
  });

  it('names the missing required field and the node it belongs to', () => {
    const { issues } = parsePackage('name: x\nnodes:\n  - id: q\n    kind: sql\n', 'x.pkg.yaml');
    expect(issues).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'nodes[0]',
        message: expect.stringMatching(/node "q".*missing required field "sql"/),
      }),
    ]);
  });

  it('refuses node ids that are not identifiers', () => {
    const { issues } = parsePackage('name: x\nnodes:\n  - id: "a b"\n    kind: sql\n    sql: SELECT 1\n', 'x.pkg.yaml');
    expect(issues[0]).toMatchObject({ line: 3, field: 'nodes[0].id' });
  });

  it('reports unknown node ids with the line of the reference', () => {
    const text =
      'name: x\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n  - id: b\n    kind: sql\n    inputs: [a, nope]\n    sql: SELECT 1\n';
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues).toEqual([
      expect.objectContaining({
        line: 8,
        field: 'nodes[1].inputs[1]',
        message: expect.stringContaining('unknown node "nope"'),
      }),
    ]);
  });

  it('reports duplicate node ids', () => {
    const text =
      'name: x\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n  - id: a\n    kind: sql\n    sql: SELECT 2\n';
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues).toEqual([
      expect.objectContaining({
        line: 6,
        message: expect.stringContaining('Duplicate node id "a" (first defined at line 3)'),
      }),
    ]);
  });

  it('names the cycle of a cyclic graph', () => {
    const text = [
      'name: x',
      'nodes:',
      '  - { id: a, kind: sql, inputs: [c], sql: SELECT 1 }',
      '  - { id: b, kind: sql, inputs: [a], sql: SELECT 1 }',
      '  - { id: c, kind: sql, inputs: [b], sql: SELECT 1 }',
    ].join('\n');
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toContain('a -> c -> b -> a');
    expect(issues[0].line).toBe(3);
  });

  it('reports a call to an alias that is not referenced', () => {
    const text = 'name: x\nnodes:\n  - id: a\n    kind: call\n    package: lib\n    node: n\n';
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues).toEqual([
      expect.objectContaining({
        line: 5,
        field: 'nodes[0].package',
        message: expect.stringContaining('"lib", which is not in references'),
      }),
    ]);
  });

  it('checks variable defaults against their types', () => {
    const text =
      'name: x\nvariables:\n  d: { type: date, default: 2024-02-30 }\n  n: { type: integer, default: 1.5 }\nnodes:\n  - { id: a, kind: sql, sql: SELECT 1 }\n';
    const { issues } = parsePackage(text, 'x.pkg.yaml');
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [3, 'variables.d.default'],
      [4, 'variables.n.default'],
    ]);
  });

  it('requires a format when the file extension does not tell it', () => {
    const { issues } = parsePackage(
      'name: x\nnodes:\n  - id: a\n    kind: import\n    file: data/x.txt\n',
      'x.pkg.yaml',
    );
    expect(issues[0]).toMatchObject({ line: 5, field: 'nodes[0].file' });
  });

  it('refuses text over the size limit before parsing', () => {
    const big = `name: x\ndescription: "${'a'.repeat(50 * 1024 * 1024)}"\nnodes: []\n`;
    const started = performance.now();
    expect(() => parsePackage(big, 'big.pkg.yaml')).toThrow(DomainError);
    try {
      parsePackage(big, 'big.pkg.yaml');
    } catch (err) {
      expect((err as DomainError).code).toBe('FILE_TOO_LARGE');
      expect((err as DomainError).message).toContain(String(MAX_PACKAGE_BYTES));
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('limits YAML alias expansion (billion laughs)', () => {
    const lol = ['name: x', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      lol.push(
        `a${i}: &a${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*a${i - 1}`)
          .join(',')}]`,
      );
    lol.push('nodes: []');
    const { def, issues } = parsePackage(lol.join('\n'), 'lol.pkg.yaml');
    expect(def).toBeUndefined();
    expect(issues[0].message).toMatch(/alias/i);
  });
});

describe('checkReferences', () => {
  const { def } = parsePackage(SPEC_EXAMPLE, 'credit/scoring.pkg.yaml');

  it('reports a referenced file whose version does not satisfy the range', () => {
    const issues = checkReferences(def!, {
      common: {
        version: '2.0.0',
        nodes: [
          { id: 'normalize', kind: 'sql', access: 'public' },
          { id: 'rows', kind: 'input', access: 'private' },
        ],
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        line: 6,
        field: 'references[0].version',
        message: expect.stringContaining('needs version ^1.0.0, but the file has version 2.0.0'),
      }),
    ]);
  });

  it('accepts a satisfying version and a public node', () => {
    const issues = checkReferences(def!, {
      common: {
        version: '1.4.2',
        nodes: [
          { id: 'normalize', kind: 'sql', access: 'public' },
          { id: 'rows', kind: 'input', access: 'private' },
        ],
      },
    });
    expect(issues).toEqual([]);
  });

  it('reports a call to a private node of the referenced package', () => {
    const issues = checkReferences(def!, {
      common: {
        version: '1.0.0',
        nodes: [
          { id: 'normalize', kind: 'sql', access: 'private' },
          { id: 'rows', kind: 'input', access: 'private' },
        ],
      },
    });
    expect(issues).toEqual([
      expect.objectContaining({ line: 23, message: expect.stringContaining('which is private') }),
    ]);
  });

  it('reports a call passing rows to something that is not an input node', () => {
    const issues = checkReferences(def!, {
      common: { version: '1.0.0', nodes: [{ id: 'normalize', kind: 'sql', access: 'public' }] },
    });
    expect(issues[0].message).toContain('not an input node');
  });
});

describe('package JSON Schema', () => {
  it('is published in docs/ unchanged', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../../../docs/package.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(JSON.parse(JSON.stringify(packageSchema)));
  });
});

describe('YAML nesting depth', () => {
  it('refuses a document nested deeper than MAX_YAML_DEPTH at the line and column where it goes deeper', () => {
    const text = `name: deep\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n    x: ${'['.repeat(70)}${']'.repeat(70)}\n`;
    const { def, issues } = parsePackage(text, 'deep.pkg.yaml');
    expect(def).toBeUndefined();
    // Levels 1-3 are the document's map, the nodes list and the node; the flow lists start at column 8.
    expect(issues).toEqual([
      {
        message: `YAML nests maps and lists more than ${MAX_YAML_DEPTH} levels deep (level ${MAX_YAML_DEPTH + 1} starts here); no package needs so many: flatten it`,
        file: 'deep.pkg.yaml',
        line: 6,
        column: 8 + MAX_YAML_DEPTH - 3,
      },
    ]);
  });

  it('takes MAX_YAML_DEPTH levels, and parses the example as before', () => {
    const text = `name: x\nnodes: []\nx: ${'['.repeat(MAX_YAML_DEPTH - 1)}${']'.repeat(MAX_YAML_DEPTH - 1)}\n`;
    // Refused by the schema (no such field), not for its depth.
    expect(parsePackage(text, 'x.pkg.yaml').issues.map((i) => i.message)).toContain('x unknown field "x".');
    expect(parsePackage(text, 'x.pkg.yaml').issues.some((i) => i.message.includes('levels deep'))).toBe(false);
    expect(parsePackage(SPEC_EXAMPLE, 'credit/scoring.pkg.yaml').def?.nodes.length).toBeGreaterThan(3);
  });

  it('survives deep documents one after another (the yaml library overflowed, then V8 aborted the process)', () => {
    for (const text of ['['.repeat(100_000), `${'- '.repeat(20_000)}x`, `${'{a: '.repeat(5_000)}1`]) {
      expect(parsePackage(text, 'd.pkg.yaml').issues[0]!.message).toMatch(/more than 64 levels deep/);
    }
  });

  it('still reports more than one document', () => {
    expect(parsePackage('name: a\nnodes: []\n---\nname: b\n', 'two.pkg.yaml').issues[0]!.message).toMatch(
      /multiple documents/,
    );
  });
});
