// Server parameters stored in SQLite (the embedded default).
import type { ServerParameters } from '@flowport/protocol';
import { applySqliteChange, type Db } from './database';
import { ParameterStore, parametersFrom, type ParameterUpdate } from './parameter-store';

function readParameters(db: Db): ServerParameters {
  const rows = db.prepare('SELECT key, value FROM parameters').all() as { key: string; value: string }[];
  return parametersFrom(Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown])));
}

export class SqliteParameterStore extends ParameterStore {
  constructor(private readonly db: Db) {
    super(readParameters(db));
  }

  protected async readStored(): Promise<ServerParameters> {
    return readParameters(this.db);
  }

  protected writeValues(_tx: unknown, values: Record<string, unknown>, now: string): void {
    const stmt = this.db.prepare(
      'INSERT INTO parameters(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    for (const [k, v] of Object.entries(values)) stmt.run(k, JSON.stringify(v), now);
  }

  async update(input: unknown): Promise<ParameterUpdate> {
    return applySqliteChange(this.db, this.prepareUpdate(input));
  }
}
