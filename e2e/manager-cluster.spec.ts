// The Session Manager page against three real nodes (real PostgreSQL and Redis): the Node column, a filter by node, a Stop across nodes.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type TestPostgres } from '../packages/server/test/support/postgres';
import { startRedis, type TestRedis } from '../packages/server/test/support/redis';
import { ADMIN_PASSWORD, ADMIN_USER, startServer, stopServer } from './fixtures';
import {
  cell,
  expandSession,
  getPackage,
  runNode,
  screenshot,
  sessionRow,
  SessionUser,
  until,
} from './manager-helpers';
import type { LiveSession } from './manager-helpers';
import { openLiveSession } from './manager-helpers';
import { dialog, LONG, HELLO, pkgOf } from './manager-support';

type Node = Awaited<ReturnType<typeof startServer>>;
let postgres: TestPostgres;
let redis: TestRedis;
let storage: string;
const nodes: Node[] = [];
const sessions: LiveSession[] = [];

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const databaseUrl = await postgres.createDatabase('e2e_cluster');
  storage = mkdtempSync(path.join(os.tmpdir(), 'flowport-e2e-storage-'));
  const env = (name: string) => ({
    FLOWPORT_DATABASE_URL: databaseUrl,
    FLOWPORT_REDIS_URL: redis.url,
    FLOWPORT_NODE_NAME: name,
    FLOWPORT_STORAGE_DIR: storage,
  });
  // Node A seeds the shared storage and creates the administrator; then the others join.
  nodes.push(await startServer({ env: env('node-a') }));
  nodes.push(...(await Promise.all([startServer({ env: env('node-b') }), startServer({ env: env('node-c') })])));
});

test.afterAll(async () => {
  for (const s of sessions) await s.end().catch(() => undefined);
  for (const n of nodes) await stopServer(n as never);
  await redis?.close();
  await postgres?.stop();
  if (storage) rmSync(storage, { recursive: true, force: true });
});

test('one table for three nodes: the Node column, a filter by node, a Stop across nodes', async ({ page }) => {
  const [a, b, c] = nodes as [Node, Node, Node];
  // A Studio session on node A (running the long query) and one on node B, as the administrator.
  const onA = await new SessionUser(a.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
  const onB = await new SessionUser(b.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
  const sa = await openLiveSession(onA, [LONG]);
  const sb = await openLiveSession(onB, [HELLO]);
  sessions.push(sa, sb);

  // The page is node C's.
  await page.goto(`${c.baseURL}/login`);
  await page.getByLabel('User name').fill(ADMIN_USER);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`${c.baseURL}/manager`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');

  for (const name of ['node-a', 'node-b', 'node-c'])
    await expect(page.getByTestId(`cluster-node-${name}`)).toHaveAttribute('data-state', 'live');
  await expect(page.getByRole('columnheader', { name: 'Node' })).toBeVisible();
  await expect(cell(sessionRow(page, sa.id), 'node')).toHaveText('node-a');
  await expect(cell(sessionRow(page, sb.id), 'node')).toHaveText('node-b');

  // The filter by node: node B's sessions only, then all again.
  await page.getByTestId('node-filter').click();
  await page.locator('.ant-select-item-option[title="node-b"]').click();
  await expect(sessionRow(page, sa.id)).toHaveCount(0);
  await expect(sessionRow(page, sb.id)).toBeVisible();
  await page.getByTestId('node-filter').click();
  await page.locator('.ant-select-item-option[title="All nodes"]').click();
  await expect(sessionRow(page, sa.id)).toBeVisible();

  // Stop, from node C's page, the run on node A, with its confirmation.
  const long = pkgOf(sa, LONG);
  await runNode(onA, sa, long, 'totals');
  await until('the run on node A', async () => (await getPackage(onA, sa, long)).running);
  await expandSession(page, sa.id);
  await expect(page.locator(`[data-row-key="p:${long.id}"]`).getByRole('progressbar')).toBeVisible();
  await sessionRow(page, sa.id).click();
  await page.getByRole('toolbar').getByRole('button', { name: 'Stop' }).click();
  const confirm = dialog(page, 'Stop the execution?');
  await expect(confirm).toBeVisible();
  await screenshot(page, 'cluster-stop-confirm', test.info());
  await confirm.getByRole('button', { name: 'Stop' }).click();
  await expect(confirm).toBeHidden();
  const after = await until('the run on node A to stop', async () => {
    const dto = await getPackage(onA, sa, long);
    return dto.running ? null : dto;
  });
  expect(after!.nodes.some((n) => n.state === 'cancelled')).toBe(true);
  await expect(page.locator(`[data-row-key="p:${long.id}"]`).getByRole('progressbar')).toHaveCount(0);
  await screenshot(page, 'cluster-manager', test.info());
});
