// The Session Manager page against three real nodes (real PostgreSQL and Redis): the Node column, a filter by node, a Stop across nodes.
import { expect, test, type Page } from '@playwright/test';
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
  groupRow,
  row,
  runNode,
  screenshot,
  sessionRow,
  snapshot,
  SessionUser,
  until,
} from './manager-helpers';
import type { LiveSession } from './manager-helpers';
import { openLiveSession } from './manager-helpers';
import { dialog, LONG, HELLO, pkgOf, settled } from './manager-support';

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

async function logIn(page: Page, node: Node): Promise<void> {
  await page.goto(`${node.baseURL}/login`);
  await page.getByLabel('User name').fill(ADMIN_USER);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test('one table for three nodes: the Node column, a filter by node, a Stop across nodes', async ({ page }) => {
  const [a, b, c] = nodes as [Node, Node, Node];
  // A Studio session on node A (running the long query) and one on node B, as the administrator.
  const onA = await new SessionUser(a.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
  const onB = await new SessionUser(b.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
  const sa = await openLiveSession(onA, [LONG]);
  const sb = await openLiveSession(onB, [HELLO]);
  sessions.push(sa, sb);

  // The page is node C's.
  await logIn(page, c);
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
  await (await settled(confirm)).getByRole('button', { name: 'Stop' }).click();
  await expect(confirm).toBeHidden();
  const after = await until('the run on node A to stop', async () => {
    const dto = await getPackage(onA, sa, long);
    return dto.running ? null : dto;
  });
  expect(after!.nodes.some((n) => n.state === 'cancelled')).toBe(true);
  await expect(page.locator(`[data-row-key="p:${long.id}"]`).getByRole('progressbar')).toHaveCount(0);
  await screenshot(page, 'cluster-manager', test.info());
});

test("the Package pool group: one header per node with its n / max and its items, the group's count cluster-wide", async ({
  page,
}) => {
  const [a, b, c] = nodes as [Node, Node, Node];
  // One Integrator call on node A and one on node B leave one pooled instance on each; node C's pool stays empty.
  const basic = `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`;
  for (const n of [a, b]) {
    const res = await fetch(`${n.baseURL}/integrator/v1/${HELLO}/greeting`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ inputs: { names: [{ name: 'Ann' }] } }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const admin = await new SessionUser(c.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
  const snap = await until('a pooled instance on nodes A and B, seen by node C', async () => {
    const s = await snapshot(admin);
    const by = (node: string) => s.pool.items.filter((i) => i.node === node).length;
    return by('node-a') >= 1 && by('node-b') >= 1 ? s : null;
  });
  if (!snap) throw new Error('no snapshot');
  const count = (node: string) => snap.pool.items.filter((i) => i.node === node).length;
  const max = (node: string) => snap.nodes!.find((n) => n.name === node)!.pool.max;

  await logIn(page, c);
  await page.goto(`${c.baseURL}/manager`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  const total = snap.pool.items.length;
  const sumMax = max('node-a') + max('node-b') + max('node-c');
  await expect(groupRow(page, 'pool')).toContainText(`Package pool (${total} / ${sumMax})`);
  for (const name of ['node-a', 'node-b', 'node-c']) {
    const header = row(page, `g:pool:${name}`);
    await expect(header).toContainText(`${name}: ${count(name)} / ${max(name)}`);
    await expect(header).toHaveAttribute('aria-level', '2');
  }
  // Each node's items sit under its header (one level deeper), in the order of the headers.
  const itemOfA = snap.pool.items.find((i) => i.node === 'node-a')!;
  const itemOfB = snap.pool.items.find((i) => i.node === 'node-b')!;
  await expect(row(page, `pl:${itemOfA.id}`)).toHaveAttribute('aria-level', '3');
  await expect(cell(row(page, `pl:${itemOfA.id}`), 'node')).toHaveText('node-a');
  const keys = await page
    .locator('[data-row-key^="g:pool"], [data-row-key^="pl:"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')));
  expect(keys.indexOf(`pl:${itemOfA.id}`)).toBeGreaterThan(keys.indexOf('g:pool:node-a'));
  expect(keys.indexOf(`pl:${itemOfA.id}`)).toBeLessThan(keys.indexOf('g:pool:node-b'));
  expect(keys.indexOf(`pl:${itemOfB.id}`)).toBeGreaterThan(keys.indexOf('g:pool:node-b'));
  expect(keys.indexOf(`pl:${itemOfB.id}`)).toBeLessThan(keys.indexOf('g:pool:node-c'));
  await groupRow(page, 'pool').scrollIntoViewIfNeeded();
  await screenshot(page, 'cluster-pool-nodes', test.info());

  // A node's header closes and opens like a group.
  await row(page, `g:pool:node-a`).locator('.ant-table-row-expand-icon').click();
  await expect(row(page, `pl:${itemOfA.id}`)).toHaveCount(0);
  await expect(row(page, `pl:${itemOfB.id}`)).toBeVisible();
  await row(page, `g:pool:node-a`).locator('.ant-table-row-expand-icon').click();
  await expect(row(page, `pl:${itemOfA.id}`)).toBeVisible();
});

test('the server panel shows every node, each with its own charts', async ({ page }) => {
  const c = nodes[2]!;
  await logIn(page, c);
  await page.goto(`${c.baseURL}/manager`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  const panel = page.getByTestId('server-panel');
  await panel.getByRole('button', { name: /Server: the last 15 minutes/ }).click();
  // Node C's own history and the other nodes' (read from Redis), then their live samples; every node samples every 5 s.
  for (const name of ['node-a', 'node-b', 'node-c']) {
    const node = panel.locator(`.fp-server-node[data-node="${name}"]`);
    await expect(node).toBeVisible({ timeout: 15_000 });
    await expect(node.locator('[data-metric="rss"] .fp-sparkline')).toHaveAttribute('data-points', /^[1-9]\d*$/, {
      timeout: 15_000,
    });
    await expect(node.locator('[data-metric="rss"] .fp-server-value')).toContainText(/B$/);
  }
  await expect(panel.locator('.fp-server-node')).toHaveCount(3);
  await screenshot(page, 'cluster-server-panel', test.info());
});
