import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PARAMETERS } from '@flowport/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database';
import { ParameterStore } from './parameter-store';

let dir: string;
let dbs: Db[];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-params-'));
  dbs = [];
});
afterEach(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A store on its own connection to the one database file, as the server and the CLI each have. */
function store(): ParameterStore {
  const db = openDatabase(path.join(dir, 'flowport.db'));
  dbs.push(db);
  return new ParameterStore(db);
}

describe('server parameters', () => {
  it('takes in values another connection stored, telling its listeners once', () => {
    const server = store();
    const cli = store();
    const heard: [number, number][] = [];
    server.onChange((next, prev) => heard.push([prev.packagePoolSize, next.packagePoolSize]));
    expect(server.refresh()).toBeNull();

    cli.update({ packagePoolSize: 3, logLevel: 'debug' });
    expect(server.get().packagePoolSize).toBe(DEFAULT_PARAMETERS.packagePoolSize);
    expect(server.refresh()).toEqual({ packagePoolSize: 3, logLevel: 'debug' });
    expect(server.get()).toMatchObject({ packagePoolSize: 3, logLevel: 'debug' });
    expect(heard).toEqual([[DEFAULT_PARAMETERS.packagePoolSize, 3]]);
    expect(server.refresh()).toBeNull();
  });

  it('ignores commits elsewhere that leave the parameters as they are, and its own updates', () => {
    const server = store();
    const cli = store();
    let heard = 0;
    server.onChange(() => heard++);
    cli.update({ packagePoolSize: DEFAULT_PARAMETERS.packagePoolSize });
    expect(server.refresh()).toBeNull();
    server.update({ packagePoolSize: 4 });
    expect(heard).toBe(1);
    expect(server.refresh()).toBeNull();
    expect(cli.refresh()).toEqual({ packagePoolSize: 4 });
    expect(heard).toBe(1);
  });
});
