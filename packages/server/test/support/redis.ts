// A real Redis server for the tests: Debian's redis-server on a free loopback port, persistence off, stoppable and restartable mid-test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/** Where Debian's package puts the server; FLOWPORT_REDIS_SERVER names another binary (a developer's machine). */
const BIN = process.env.FLOWPORT_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Stops the server (the degraded case); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

/** Resolves true once something accepts connections on the port (or false after `ms`). */
async function accepting(port: number, want: boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (open === want) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Starts a server of its own; throws, failing the tests, when redis-server is missing: never skipped. */
export async function startRedis(): Promise<TestRedis> {
  if (!existsSync(BIN))
    throw new Error(
      `Redis is not installed: ${BIN} is missing. Install it (apt-get install -y redis-server) or set ` +
        'FLOWPORT_REDIS_SERVER to the redis-server binary; the cluster tests need a real server.',
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-redis-'));
  const port = await freePort();
  const pidFile = path.join(dir, 'pid');
  const start = async () => {
    execFileSync(BIN, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'yes',
      '--pidfile',
      pidFile,
      '--logfile',
      path.join(dir, 'log'),
    ]);
    if (!(await accepting(port, true, 10_000)))
      throw new Error(`the test Redis did not listen on ${port}:\n${readFileSync(path.join(dir, 'log'), 'utf8')}`);
  };
  const stop = async () => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
    await accepting(port, false, 10_000);
    rmSync(pidFile, { force: true });
  };
  await start();
  let closed = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
