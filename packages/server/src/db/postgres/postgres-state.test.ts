// The store contract on a real PostgreSQL server started for this file: each case on a new database; and what only a cluster has.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres';
import { storeContract } from '../../../test/support/store-contract';
import { FileStorage } from '../../storage';
import { saveChecked } from '../../workspace/save-conflict';
import { openPostgresState } from './postgres-state';

let server: TestPostgres;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract('PostgreSQL', () => {
  let url = '';
  return {
    async fresh() {
      url = await server.createDatabase('contract');
    },
    async open() {
      return openPostgresState(url);
    },
  };
});

describe('package file saves on two nodes of one PostgreSQL', () => {
  it('lets one of two saves over one version at the same moment through; the other is refused naming it', async () => {
    const url = await server.createDatabase('saves');
    const nodes = [await openPostgresState(url), await openPostgresState(url)];
    const root = mkdtempSync(path.join(os.tmpdir(), 'flowport-saves-'));
    dirs.push(root);
    try {
      const storages = nodes.map((n) => new FileStorage(root, (p, seen) => n.files.createdAt(p, seen)));
      const P = 'c/race.pkg.yaml';
      const first = await saveChecked(storages[0]!, nodes[0]!.files, P, 'name: Race\n', {
        user: 'ann',
        baseVersion: null,
      });
      for (let round = 0; round < 5; round++) {
        const base = (await storages[0]!.stat(P)).fileVersion;
        const users = [`one-${round}`, `two-${round}`];
        const results = await Promise.allSettled(
          nodes.map((n, i) =>
            saveChecked(storages[i]!, n.files, P, `name: Race ${users[i]}\n`, { user: users[i]!, baseVersion: base }),
          ),
        );
        const won = results.findIndex((r) => r.status === 'fulfilled');
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((results[1 - won] as PromiseRejectedResult).reason).toMatchObject({
          code: 'SAVE_CONFLICT',
          details: { savedBy: users[won] },
        });
        expect((await storages[1]!.readText(P)).text).toBe(`name: Race ${users[won]}\n`);
      }
      expect(nodes[1]!.files.createdAt(P, Date.now())).toBe(first.createdAtMs);
    } finally {
      for (const n of nodes) await n.close();
    }
  });
});
