// The store contract on a real PostgreSQL server started for this file: each case on a new database.
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../test/support/postgres';
import { storeContract } from '../../../test/support/store-contract';
import { openPostgresState } from './postgres-state';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
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
