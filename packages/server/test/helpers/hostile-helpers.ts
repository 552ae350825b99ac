// Helpers for the hostile tests: package files written into the storage, live sockets, health timing, audit rows.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from '@flowport/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { LoggedIn } from './test-app';

/** Writes a package file into the storage of a test app's data directory. */
export function writePackage(dataDir: string, relPath: string, yaml: string): string {
  const file = path.join(dataDir, 'storage', relPath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  return relPath;
}

/** A package of one published SQL node. */
export function sqlPackage(name: string, node: string, sql: string): string {
  return `name: ${name}\nnodes:\n  - id: ${node}\n    kind: sql\n    access: published\n    sql: ${JSON.stringify(sql)}\n`;
}

/** Opens a WebSocket on a listening app and collects its JSON frames. */
export function liveSocket<T>(base: string, url: string, headers: Record<string, string>) {
  const ws = new WebSocket(`ws://${base}${url}`, { headers });
  const frames: T[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as T));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const waitFor = async (pred: (f: T) => boolean, ms = 15_000): Promise<T> => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(frames.slice(-5))}`);
  };
  return { ws, frames, opened, waitFor };
}

/** GET /api/health over real HTTP: its status and how long the answer took. */
export async function timedHealth(base: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`http://${base}/api/health`);
  await res.text();
  return { status: res.status, ms: performance.now() - started };
}

/** Calls GET /api/health every `everyMs` until stopped; keeps the status and latency of each. */
export function healthProbe(base: string, everyMs = 100) {
  const results: { status: number; ms: number }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      results.push(await timedHealth(base).catch(() => ({ status: 0, ms: Infinity })));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    results,
    async stop() {
      running = false;
      await done;
      return results;
    },
  };
}

export async function auditEntries(app: FastifyInstance, admin: LoggedIn): Promise<AuditEntry[]> {
  const res = await app.inject({ url: '/api/manager/audit?limit=1000', headers: admin.headers });
  if (res.statusCode !== 200) throw new Error(`audit: ${res.statusCode} ${res.body}`);
  return res.json().entries;
}
