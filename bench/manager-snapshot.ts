// Server side of the Session Manager benchmark: snapshot build-and-serialize time and size for N sessions x 3 packages.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeSnapshot } from '@flowport/protocol';
import { build } from '../packages/server/src/app';
import { defaultConfig } from '../packages/server/src/config/config';

export interface SnapshotRow {
  sessions: number;
  packages: number;
  buildMsMedian: number;
  serializeMsMedian: number;
  httpMsMedian: number;
  /** The full form (GET /api/manager/snapshot, /api/manager/live). */
  bytes: number;
  /** The compact form the page reads (/api/manager/live?wire=compact): encoding and serializing, and its size. */
  compactMsMedian: number;
  compactBytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Opens `sessions` Studio sessions with three packages each through the real API, then times the snapshot. */
export async function measureSnapshot(sessions: number, repeats = 9): Promise<SnapshotRow> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-manager-'));
  const app = await build(
    { ...defaultConfig(), dataDir, adminPassword: 'bench-password-1', webDir: null, seedExamples: true },
    { exampleDataRows: 1000, watchStorage: false },
  );
  try {
    // The per-user session limit (adminSessionLimit, 100) would refuse all but the first hundred.
    await app.services.params.update({ connectionCheckPeriodSeconds: 86400, adminSessionLimit: 10000 });
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'bench-password-1' },
    });
    const headers = { cookie: `flowport_session=${login.cookies[0]!.value}`, 'x-csrf-token': login.json().csrfToken };
    const paths = ['demo/hello.pkg.yaml', 'lib/common.pkg.yaml', 'demo/long-aggregation.pkg.yaml'];
    for (let i = 0; i < sessions; i++) {
      const sid = (await app.inject({ method: 'POST', url: '/api/sessions', headers })).json().id;
      for (const p of paths)
        await app.inject({ method: 'POST', url: `/api/sessions/${sid}/packages`, headers, payload: { path: p } });
    }
    const core = app.services.workspace.core;
    const builds: number[] = [];
    const serializes: number[] = [];
    const https: number[] = [];
    const compacts: number[] = [];
    let bytes = 0;
    let compactBytes = 0;
    for (let r = 0; r < repeats; r++) {
      let t = performance.now();
      const snap = core.snapshot();
      builds.push(performance.now() - t);
      t = performance.now();
      bytes = Buffer.byteLength(JSON.stringify(snap));
      serializes.push(performance.now() - t);
      t = performance.now();
      const compact = JSON.stringify(encodeSnapshot(snap));
      compacts.push(performance.now() - t);
      compactBytes = Buffer.byteLength(compact);
      t = performance.now();
      await app.inject({ url: '/api/manager/snapshot', headers });
      https.push(performance.now() - t);
    }
    return {
      sessions,
      packages: sessions * 3,
      buildMsMedian: median(builds),
      serializeMsMedian: median(serializes),
      httpMsMedian: median(https),
      bytes,
      compactMsMedian: median(compacts),
      compactBytes,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printSnapshotTable(rows: SnapshotRow[]): void {
  console.log('\nManager snapshot (server side, medians)');
  console.table(
    rows.map((r) => ({
      sessions: r.sessions,
      packages: r.packages,
      'build ms': r.buildMsMedian.toFixed(1),
      'serialize ms': r.serializeMsMedian.toFixed(1),
      'GET /api/manager/snapshot ms': r.httpMsMedian.toFixed(1),
      'size KiB': (r.bytes / 1024).toFixed(0),
      'bytes per session': Math.round(r.bytes / r.sessions),
      'compact: encode+serialize ms': r.compactMsMedian.toFixed(1),
      'compact: bytes per session (goal ≤ 483)': Math.round(r.compactBytes / r.sessions),
    })),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = process.argv.slice(2).map(Number).filter(Boolean);
  const rows: SnapshotRow[] = [];
  for (const n of counts.length ? counts : [1000, 10000]) rows.push(await measureSnapshot(n));
  printSnapshotTable(rows);
}
