import { promises as fs, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { DuckDbDatabase } from './duckdb-runtime';
import { engineFixture, type EngineFixture } from '../../test/support/engine-fixture';

let fx: EngineFixture;
beforeEach(async () => {
  fx = engineFixture();
  await fx.write('data/ok.csv', 'a\n1\n');
  await fs.writeFile(path.join(fx.dir, 'secret.csv'), 'secret\nhunter2\n');
});
afterEach(async () => {
  await fx.cleanup();
});

/** The error of running one node of a one-node package. */
async function failure(node: string): Promise<DomainError> {
  const rt = fx.runtime(`name: hostile\nnodes:\n${node}`);
  const err = await rt.run().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('package SQL is confined to the storage', () => {
  it('cannot read /etc/passwd', async () => {
    const err = await failure(`  - { id: x, kind: sql, sql: "SELECT * FROM read_csv_auto('/etc/passwd')" }\n`);
    expect(err.code).toBe('EXECUTION_FAILED');
    expect(err.message).toMatch(/Permission Error: Cannot access file "\/etc\/passwd"/);
  });

  it('cannot read files outside through text readers, globs or ".." inside the SQL', async () => {
    for (const sql of [
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/etc/*')",
      `SELECT * FROM read_csv_auto('${fx.storage.root}/../secret.csv')`,
    ]) {
      const err = await failure(`  - { id: x, kind: sql, sql: "${sql}" }\n`);
      expect(err.message).toMatch(/Permission Error/);
    }
  });

  it('cannot reach the engine scratch folder where DuckDB spills', async () => {
    await fs.mkdir(fx.scratchDir, { recursive: true });
    await fs.writeFile(path.join(fx.scratchDir, 'spilled.csv'), 'a\n1\n');
    const err = await failure(
      `  - { id: x, kind: sql, sql: "SELECT * FROM read_csv_auto('${fx.scratchDir}/spilled.csv')" }\n`,
    );
    expect(err.message).toMatch(/Permission Error/);
  });

  it('reads files inside the storage by absolute path', async () => {
    const rt = fx.runtime(
      `name: ok\nnodes:\n  - { id: x, kind: sql, sql: "SELECT * FROM read_csv_auto('${fx.storage.root}/data/ok.csv')" }\n`,
    );
    expect((await rt.run({ node: 'x' })).rows).toEqual([{ a: 1 }]);
  });

  it('cannot run a second statement (SET, INSTALL, ATTACH, COPY) after its query', async () => {
    for (const tail of [
      'SET threads = 8',
      'INSTALL httpfs',
      "ATTACH '/tmp/x.db'",
      "COPY (SELECT 1) TO '/tmp/flowport-pwned.csv'",
    ]) {
      const err = await failure(`  - { id: x, kind: sql, sql: "SELECT 1 AS a; ${tail}" }\n`);
      expect(err.code).toBe('EXECUTION_FAILED');
    }
    await expect(fs.stat('/tmp/flowport-pwned.csv')).rejects.toThrow();
  });

  it('treats a variable carrying SQL injection text as data', async () => {
    const evil = "x'; DROP TABLE base; SELECT '";
    const rt = fx.runtime(`name: inj
variables:
  name: { type: string, default: a }
nodes:
  - { id: base, kind: sql, sql: "SELECT 'a' AS name UNION ALL SELECT 'b'" }
  - { id: hit, kind: sql, inputs: [base], sql: "SELECT $name AS echoed, (SELECT count(*) FROM base WHERE name = $name) AS matches" }
`);
    const r = await rt.run({ node: 'hit', variables: { name: evil } });
    expect(r.rows).toEqual([{ echoed: evil, matches: 0 }]);
    expect((await rt.run({ node: 'base' })).total).toBe(2);
  });
});

describe('import and export paths go through the storage', () => {
  it('refuses absolute import paths before DuckDB sees them', async () => {
    const err = await failure('  - { id: x, kind: import, file: /etc/passwd, format: csv }\n');
    expect(err.message).toMatch(/absolute/);
    expect(err.details?.cause).toBe('PATH_OUTSIDE_STORAGE');
  });

  it('refuses ".." in import paths', async () => {
    const err = await failure('  - { id: x, kind: import, file: ../secret.csv }\n');
    expect(err.details?.cause).toBe('PATH_OUTSIDE_STORAGE');
  });

  it('refuses a symlink out of the storage', async () => {
    symlinkSync(path.join(fx.dir, 'secret.csv'), path.join(fx.storage.root, 'data/link.csv'));
    const err = await failure('  - { id: x, kind: import, file: data/link.csv }\n');
    expect(err.message).toMatch(/symbolic link/);
  });

  it('refuses to export outside the storage and writes nothing', async () => {
    for (const file of ['/tmp/flowport-out.csv', '../out.csv']) {
      const err = await failure(
        `  - { id: a, kind: sql, sql: SELECT 1 AS v }\n  - { id: x, kind: export, input: a, file: "${file}" }\n`,
      );
      expect(err.details?.cause).toBe('PATH_OUTSIDE_STORAGE');
    }
    await expect(fs.stat('/tmp/flowport-out.csv')).rejects.toThrow();
    await expect(fs.stat(path.join(fx.dir, 'out.csv'))).rejects.toThrow();
  });
});

describe('the DuckDB database itself is locked down', () => {
  it('refuses writes outside, extensions, settings and attaching files, and still works inside', async () => {
    const db = await DuckDbDatabase.create({ allowedDirectories: [fx.storage.root], threads: 1, connections: 1 });
    try {
      const attempt = (sql: string) =>
        db
          .withConnection((c) => c.run(sql))
          .then(
            () => 'ok',
            (e: Error) => e.message,
          );
      expect(await attempt("COPY (SELECT 1) TO '/tmp/flowport-escape.csv'")).toMatch(/Permission Error/);
      expect(await attempt('INSTALL httpfs')).toMatch(/Permission Error/);
      expect(await attempt('LOAD httpfs')).toMatch(/Permission Error|disabled/);
      expect(await attempt('SET threads = 4')).toMatch(/configuration has been locked/);
      expect(await attempt('SET enable_external_access = true')).toMatch(/configuration has been locked/);
      expect(await attempt('RESET allowed_directories')).toMatch(/configuration has been locked/);
      expect(await attempt("ATTACH '/tmp/flowport-escape.db'")).toMatch(/Permission Error/);
      expect(await attempt(`COPY (SELECT 1 AS a) TO '${fx.storage.root}/inside.csv'`)).toBe('ok');
      await expect(fs.stat('/tmp/flowport-escape.csv')).rejects.toThrow();
    } finally {
      db.close();
    }
  });
});
