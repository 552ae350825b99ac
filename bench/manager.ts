// Session Manager page benchmark (the Playwright part): a real server with N sessions x 3 packages opened through
// the real API, then in Chromium the time from navigation to the first rows, search times, and the page under live
// updates of 500 running packages, and the page's sort of those rows. Prints tables. SESSIONS (10000), IN_FLIGHT (32),
// USERS (10) tune it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeLiveFrame, type ManagerLiveFrame, type ManagerSnapshot } from '@flowport/protocol';
import { ADMIN_USER, REPO_ROOT, startServer, stopServer } from '../e2e/fixtures';
import { SessionUser } from '../e2e/manager-helpers';
import { measureSnapshot, printSnapshotTable } from './manager-snapshot';
import { measureSort, printSortTable, withRunningTimes } from './manager-sort';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';

const SESSIONS = Number(process.env.SESSIONS ?? 10_000);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 32);
const USERS = Number(process.env.USERS ?? 10);
const LOADS = Number(process.env.LOADS ?? 3);
const RUNNING = Number(process.env.RUNNING ?? 500);
const LIVE_SECONDS = Number(process.env.LIVE_SECONDS ?? 10);
// Three packages without references, so one shared package does not collect N holders.
const PATHS = ['demo/hello.pkg.yaml', 'lib/common.pkg.yaml', 'demo/long-aggregation.pkg.yaml'];

interface Row {
  measurement: string;
  value: string;
  goal: string;
  verdict: string;
}
const rows: Row[] = [];
const record = (measurement: string, value: string, goal = '', met?: boolean) =>
  rows.push({ measurement, value, goal, verdict: met === undefined ? '' : met ? 'met' : 'MISSED' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function createSessions(users: SessionUser[]): Promise<{ ids: string[]; seconds: number }> {
  const ids: string[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < SESSIONS; i = next++) {
      const user = users[i % users.length];
      try {
        const s = await user.post<{ id: string }>('/api/sessions');
        for (const path of PATHS) await user.post(`/api/sessions/${s.id}/packages`, { path });
        ids[i] = s.id;
      } catch (e) {
        if (++failures <= 3) console.error(`session ${i}: ${(e as Error).message}`);
      }
      if ((i + 1) % 1000 === 0) process.stdout.write(`  ${i + 1} sessions\n`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  if (failures > 0) throw new Error(`${failures} sessions could not be created`);
  return { ids, seconds: (performance.now() - started) / 1000 };
}

interface LoadTimes {
  /** Navigation start to the first session row in the DOM. */
  firstRows: number;
  /** The page's scripts ran and opened the live feed. */
  connect: number;
  /** The snapshot frame arrived (after the server built and sent it). */
  snapshot: number;
  parse: number;
}

/** Times of one fresh load of the page, on the page's own clock (0 = navigation start). */
async function loadTimes(page: Page, baseURL: string): Promise<LoadTimes> {
  const firstRowsAt = await firstRows(page, baseURL);
  return page.evaluate((firstRows) => {
    const mark = (name: string) => performance.getEntriesByName(name)[0];
    const parse = mark('fp-manager:snapshot-parse');
    return {
      firstRows,
      connect: mark('fp-manager:connect')?.startTime ?? NaN,
      snapshot: parse?.startTime ?? NaN,
      parse: parse?.duration ?? NaN,
    };
  }, firstRowsAt);
}

/** From navigation start to the first session row in the DOM (the page's own clock), after a fresh load. */
async function firstRows(page: Page, baseURL: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(`${baseURL}/manager`, { waitUntil: 'commit' });
  try {
    const handle = await page.waitForFunction(
      () => (document.querySelector('.fp-manager [data-row-key^="s:"]') ? performance.now() : 0),
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    return (await handle.jsonValue()) as number;
  } catch (e) {
    const text = await page.evaluate(() => document.body.innerText.slice(0, 500)).catch(() => '');
    throw new Error(`No session rows at ${page.url()}: ${(e as Error).message}\nThe page says: ${text}`);
  }
}

type Expectation = { kind: 'group'; text: string } | { kind: 'expanded'; value: 'true' | 'false' };

/** Types into the table search (as React sees it) and times until the table shows the result and paints. */
async function searchTime(page: Page, text: string, expected: Expectation): Promise<number> {
  return page.evaluate(
    async ({ text, expected }) => {
      const input = document.querySelector<HTMLInputElement>('.fp-manager input[role="searchbox"]');
      if (!input) throw new Error('no search box');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const done = () => {
        if (expected.kind === 'group') {
          return (document.querySelector('[data-row-key="g:sessions"]')?.textContent ?? '').includes(expected.text);
        }
        return document.querySelector('[data-row-key^="s:"]')?.getAttribute('aria-expanded') === expected.value;
      };
      const started = performance.now();
      setValue.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (done()) resolve();
          else if (performance.now() - started > 30_000) reject(new Error(`search "${text}" did not settle`));
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // the frame is painted
      return performance.now() - started;
    },
    { text, expected },
  );
}

async function newPage(browser: Browser, baseURL: string, admin: SessionUser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const [name, value] = admin.cookieHeader().split(';')[0].split('=');
  await context.addCookies([{ name, value, url: baseURL }]);
  // tsx (esbuild keepNames) wraps named functions of page.evaluate() callbacks in __name(): give the page one.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return context.newPage();
}

/** Sessions of the snapshot with `RUNNING` of them executing, their progress moved by one percent per call. */
function progressDeltas(snapshot: ManagerSnapshot) {
  const running = snapshot.sessions.slice(0, RUNNING);
  let version = snapshot.version;
  let percent = 0;
  return (): string => {
    const now = new Date().toISOString();
    percent = (percent + 1) % 100;
    version += 1;
    const frame: ManagerLiveFrame = {
      type: 'delta',
      version,
      serverTime: now,
      upsertSessions: running.map((s) => ({
        ...s,
        running: true,
        lastActivityAt: now,
        packages: s.packages.map((p, i) =>
          i === 2
            ? {
                ...p,
                running: true,
                progress: { percent, node: 'totals', nodeStartedAt: now, nodesDone: 2, nodesTotal: 3 },
              }
            : p,
        ),
      })),
      removeSessions: [],
      upsertShared: [],
      removeShared: [],
    };
    // In the compact form the page asks for (?wire=compact).
    return JSON.stringify(encodeLiveFrame(frame));
  };
}

/**
 * A proxy in front of the server whose live feed is synthetic: the real snapshot, then every 250 ms (as the
 * server coalesces) a delta moving the progress of `RUNNING` packages. The browser gets them over a real socket.
 */
async function startLiveProxy(target: string, snapshot: ManagerSnapshot) {
  const next = progressDeltas(snapshot);
  const first = JSON.stringify(encodeLiveFrame({ type: 'snapshot', snapshot } satisfies ManagerLiveFrame));
  const sockets = new Set<WebSocket>();
  const timer = setInterval(() => {
    if (sockets.size === 0) return;
    const text = next();
    for (const ws of sockets) ws.send(text);
  }, 250);
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/api/manager/live')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.send(first);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      clearInterval(timer);
      for (const ws of sockets) ws.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}

async function liveLoad(browser: Browser, baseURL: string, admin: SessionUser, snapshot: ManagerSnapshot, id: string) {
  const proxy = await startLiveProxy(baseURL, snapshot);
  const page = await newPage(browser, proxy.url, admin);
  try {
    await firstRows(page, proxy.url);
    await page.keyboard.press('Control+f');
    await page.locator('.fp-manager input[role="searchbox"]').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __frames: number };
      w.__long = [];
      w.__frames = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({
        type: 'longtask',
      });
      const tick = () => {
        w.__frames += 1;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const searches: number[] = [];
    const started = Date.now();
    const total = snapshot.sessions.length;
    while (Date.now() - started < LIVE_SECONDS * 1000) {
      searches.push(await searchTime(page, id, { kind: 'group', text: `(1 of ${total})` }));
      searches.push(await searchTime(page, '', { kind: 'group', text: `Sessions (${total})` }));
      await page.waitForTimeout(300);
    }
    const seconds = (Date.now() - started) / 1000;
    const { long, frames } = await page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __frames: number };
      return { long: w.__long, frames: w.__frames };
    });
    const busy = long.reduce((a, b) => a + b, 0);
    return { fps: frames / seconds, longest: Math.max(0, ...long), busyShare: busy / (seconds * 1000), searches };
  } finally {
    await page.context().close();
    await proxy.close();
  }
}

// The server serves a private copy of the built pages, so a rebuild meanwhile cannot break the run.
const webDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bench-web-'));
cpSync(path.join(REPO_ROOT, 'packages/web/dist'), webDir, { recursive: true });
const loadBefore = os.loadavg()[0];
const server = await startServer({ adminPassword: 'bench-Admin-Pa55word', env: { FLOWPORT_WEB_DIR: webDir } });
let browser: Browser | null = null;
let sortRows: ReturnType<typeof measureSort> = [];
try {
  const admin = await new SessionUser(server.baseURL).login(ADMIN_USER, server.adminPassword);
  await admin.put('/api/admin/parameters', { connectionCheckPeriodSeconds: 86400 });
  const users: SessionUser[] = [];
  for (let u = 0; u < USERS; u++) {
    const name = `bench${u}`;
    await admin.post('/api/admin/users', { name, password: `pw-${name}-Secret1`, roles: ['design'] });
    users.push(await new SessionUser(server.baseURL).login(name, `pw-${name}-Secret1`));
  }

  console.log(`Creating ${SESSIONS} sessions x ${PATHS.length} packages, ${IN_FLIGHT} in flight…`);
  const created = await createSessions(users);
  record(
    `create ${SESSIONS} sessions x ${PATHS.length} packages through the API (${IN_FLIGHT} in flight)`,
    `${created.seconds.toFixed(1)} s (${Math.round((SESSIONS * (1 + PATHS.length)) / created.seconds)} requests/s)`,
  );

  const t = performance.now();
  const snapshotText = await (
    await fetch(`${server.baseURL}/api/manager/snapshot`, { headers: { cookie: admin.cookieHeader() } })
  ).text();
  record(
    'GET /api/manager/snapshot from Node (one call)',
    `${ms(performance.now() - t)}, ${(snapshotText.length / 1048576).toFixed(1)} MiB`,
  );
  const snapshot = JSON.parse(snapshotText) as ManagerSnapshot;
  // The page's sort of these rows by Running for (every package given a running time: an idle server has none).
  sortRows = measureSort(withRunningTimes(snapshot));

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await newPage(browser, server.baseURL, admin);
  await firstRows(page, server.baseURL); // warm the browser cache of the page's scripts
  const loads: LoadTimes[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadTimes(page, server.baseURL));
  const at = (key: keyof LoadTimes) => median(loads.map((l) => l[key]));
  record(
    `navigation to first rows, ${SESSIONS} sessions (median of ${LOADS})`,
    ms(at('firstRows')),
    '< 2000 ms',
    at('firstRows') < 2000,
  );
  record('  … of which: page scripts ran, live feed opened at', ms(at('connect')));
  record('  … snapshot frame arrived at (server built and sent it)', ms(at('snapshot')));
  record('  … parsing the snapshot frame', ms(at('parse')));
  record('  … rows and first render, after parsing', ms(at('firstRows') - at('snapshot') - at('parse')));

  await page.keyboard.press('Control+f');
  await page.locator('.fp-manager input[role="searchbox"]').waitFor();
  const id = created.ids[Math.floor(SESSIONS / 2)];
  const total = snapshot.sessions.length;
  const all: Expectation = { kind: 'group', text: `Sessions (${total})` };
  const queries: { label: string; text: string; shown: Expectation; cleared: Expectation }[] = [
    { label: 'one session by its id', text: id, shown: { kind: 'group', text: `(1 of ${total})` }, cleared: all },
    {
      label: `one user's sessions (1 user of ${USERS})`,
      text: 'bench3:',
      shown: { kind: 'group', text: ` of ${total})` },
      cleared: all,
    },
    {
      label: 'a package open in every session (every session opens)',
      text: 'hello',
      shown: { kind: 'expanded', value: 'true' },
      cleared: { kind: 'expanded', value: 'false' },
    },
  ];
  for (const q of queries) {
    const shown: number[] = [];
    const cleared: number[] = [];
    for (let i = 0; i < 3; i++) {
      shown.push(await searchTime(page, q.text, q.shown));
      cleared.push(await searchTime(page, '', q.cleared));
    }
    record(`search ${q.label} (median of 3)`, ms(median(shown)), '< 200 ms', median(shown) < 200);
    record(`  … and clear that search (median of 3)`, ms(median(cleared)), '< 200 ms', median(cleared) < 200);
  }
  await page.context().close();

  const live = await liveLoad(browser, server.baseURL, admin, snapshot, id);
  record(`live: ${RUNNING} running packages, 4 deltas/s for ${LIVE_SECONDS} s: frames per second`, live.fps.toFixed(0));
  record('live: longest main-thread task', ms(live.longest), '< 200 ms', live.longest < 200);
  record(
    'live: main thread busy with long tasks',
    `${(live.busyShare * 100).toFixed(0)} %`,
    '< 50 %',
    live.busyShare < 0.5,
  );
  record(
    `live: search one session and clear it while updating (median of ${live.searches.length})`,
    ms(median(live.searches)),
    '< 200 ms',
    median(live.searches) < 200,
  );
} finally {
  await browser?.close();
  await stopServer(server);
  rmSync(webDir, { recursive: true, force: true });
}

console.log(
  `\nSession Manager page (Chromium, ${SESSIONS} sessions x ${PATHS.length} packages; ${os.cpus().length} CPUs, ` +
    `1-minute load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after the run)`,
);
console.table(rows);
printSortTable(sortRows);

// Server side: snapshot build-and-serialize time and size at 1,000 and 10,000 sessions x 3 packages.
printSnapshotTable([await measureSnapshot(1000), await measureSnapshot(10_000)]);
