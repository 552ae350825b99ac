// kill -9 of the real server process during a save and during user changes: nothing half-done survives a restart.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../src/db/sqlite-audit-log';
import { openDatabase } from '../../src/db/database';
import { TEMP_NAME_RE } from '../../src/storage/atomic-write';
import {
  call,
  loginOver,
  startServer,
  stopServer,
  type HttpLogin,
  type ServerProcess,
} from '../helpers/server-process';

let dataDir: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  if (server) await stopServer(server);
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const tempsIn = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => TEMP_NAME_RE.test(path.basename(f)));
const logText = () =>
  readdirSync(path.join(dataDir, 'logs'))
    .map((f) => readFileSync(path.join(dataDir, 'logs', f), 'utf8'))
    .join('');

/** A package of about 4.5 MB (a long description), different for each attempt, so old and new can be told apart. */
const bigPackage = (attempt: number) =>
  `name: Big ${attempt}\ndescription: "${String(attempt % 10).repeat(4_500_000)}"\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT ${attempt} AS x\n`;

async function openDraft(url: string, login: HttpLogin, yaml: string): Promise<{ sid: string; pid: string }> {
  const sid = (await call(url, login, 'POST', '/api/sessions')).body.id as string;
  const opened = await call(url, login, 'POST', `/api/sessions/${sid}/packages`, { draft: { yaml } });
  if (opened.status !== 201) throw new Error(`draft: ${opened.status} ${opened.text.slice(0, 300)}`);
  return { sid, pid: opened.body.id as string };
}

describe('kill -9', () => {
  it(
    'during a save leaves the old or the new file whole, and its temporary file is removed at the next start',
    { timeout: 300_000 },
    async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-crash-save-'));
      const folder = path.join(dataDir, 'storage/big');
      const file = path.join(folder, 'big.pkg.yaml');
      mkdirSync(folder, { recursive: true });
      writeFileSync(file, 'name: Old\nnodes:\n  - id: a\n    kind: sql\n    sql: SELECT 0 AS x\n');
      let hit = false;
      // The kill must land between the temporary file's creation and its rename: retried until it does.
      for (let attempt = 1; attempt <= 8 && !hit; attempt++) {
        const before = readFileSync(file, 'utf8');
        server = await startServer(dataDir);
        const { url } = server;
        const login = await loginOver(url);
        const next = bigPackage(attempt);
        const { sid, pid } = await openDraft(url, login, next);
        const save = call(url, login, 'POST', `/api/sessions/${sid}/packages/${pid}/save`, {
          path: 'big/big.pkg.yaml',
        }).catch(() => undefined);
        const until = Date.now() + 20_000;
        while (Date.now() < until && tempsIn(folder).length === 0) await new Promise((r) => setImmediate(r));
        server.child.kill('SIGKILL');
        await server.exited;
        await save;
        server = undefined;
        hit = tempsIn(folder).length > 0;
        const after = readFileSync(file, 'utf8');
        expect([before, next]).toContain(after);

        // The next start removes what the killed save left, and touches nothing else.
        server = await startServer(dataDir);
        expect(tempsIn(path.join(dataDir, 'storage'))).toEqual([]);
        expect(readFileSync(file, 'utf8')).toBe(after);
        expect((await call(server.url, login, 'GET', '/api/health')).status).toBe(200);
        // The login made before the kill is kept across it.
        expect((await call(server.url, login, 'GET', '/api/auth/me')).body).toMatchObject({ user: { name: 'admin' } });
        await stopServer(server, 'SIGTERM');
        server = undefined;
      }
      expect(hit).toBe(true);
      expect(logText()).toContain('temporary files of interrupted saves removed');
    },
  );

  it('during user changes never leaves a change without its audit entry', { timeout: 300_000 }, async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-crash-users-'));
    for (let round = 1; round <= 3; round++) {
      server = await startServer(dataDir);
      const { url } = server;
      const login = await loginOver(url);
      let answered = 0;
      // Creations and blocks in flight together, eight at a time, until the process is killed.
      const worker = async (w: number) => {
        for (let i = 0; ; i++) {
          const name = `u${round}-${w}-${i}`;
          const created = await call(url, login, 'POST', '/api/admin/users', {
            name,
            password: 'user-password-1',
            roles: ['view'],
          });
          if (created.status !== 201) return;
          answered++;
          if (
            i % 2 === 0 &&
            (await call(url, login, 'PUT', `/api/admin/users/${name}`, { blocked: true })).status !== 200
          )
            return;
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w).catch(() => undefined));
      const killAfter = 6 * round;
      while (answered < killAfter) await new Promise((r) => setTimeout(r, 5));
      server.child.kill('SIGKILL');
      await server.exited;
      server = undefined;
      await Promise.all(workers);

      const db = openDatabase(path.join(dataDir, 'flowport.db'));
      const users = db.prepare("SELECT name, blocked FROM users WHERE name <> 'admin'").all() as {
        name: string;
        blocked: number;
      }[];
      const entries = await new SqliteAuditLog(db).latest(1000);
      db.close();
      expect(users.length).toBeGreaterThanOrEqual(killAfter);
      const done = (action: string, target: string) =>
        entries.some((e) => e.action === action && e.target === target && e.outcome === 'ok');
      for (const u of users) {
        expect(done('user.create', u.name), `user ${u.name} without its audit entry`).toBe(true);
        if (u.blocked) expect(done('user.update', u.name), `block of ${u.name} without its audit entry`).toBe(true);
      }
      // And no entry tells of a change that is not there.
      const names = new Set(users.map((u) => u.name));
      for (const e of entries.filter((e) => e.action === 'user.create' && e.outcome === 'ok'))
        expect(names.has(e.target!)).toBe(true);
    }
    server = await startServer(dataDir);
    expect((await call(server.url, await loginOver(server.url), 'GET', '/api/admin/users')).status).toBe(200);
  });
});
