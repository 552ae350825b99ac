// Server parameters stored in PostgreSQL; a change is announced (NOTIFY) in its transaction, so every node refreshes.
import type { ServerParameters } from '@flowport/protocol';
import type pg from 'pg';
import type { Tx } from '../../core/prepared-change';
import { ParameterStore, parametersFrom, type ParameterUpdate } from '../parameter-store';
import { clientOf, inTransaction, notify } from './pg-database';

async function readParameters(db: pg.Pool): Promise<ServerParameters> {
  const { rows } = await db.query<{ key: string; value: unknown }>('SELECT key, value FROM parameters');
  return parametersFrom(Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

export class PostgresParameterStore extends ParameterStore {
  private constructor(
    private readonly pool: pg.Pool,
    initial: ServerParameters,
  ) {
    super(initial);
  }

  static async open(pool: pg.Pool): Promise<PostgresParameterStore> {
    return new PostgresParameterStore(pool, await readParameters(pool));
  }

  protected readStored(): Promise<ServerParameters> {
    return readParameters(this.pool);
  }

  protected async writeValues(tx: Tx, values: Record<string, unknown>, now: string): Promise<void> {
    const c = clientOf(tx);
    for (const [k, v] of Object.entries(values))
      await c.query(
        `INSERT INTO parameters(key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [k, JSON.stringify(v), now],
      );
    await notify(c, { kind: 'parameters' });
  }

  async update(input: unknown): Promise<ParameterUpdate> {
    const change = this.prepareUpdate(input);
    await inTransaction(this.pool, (c) => Promise.resolve(change.write(c)));
    return change.done();
  }
}
