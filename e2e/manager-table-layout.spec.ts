// The Session Manager table on a busy server, in Chromium against a real server with real sessions: sorting by
// Running for and by Memory, column widths remembered, Expand all / Collapse all and the links to the group rows.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  cell,
  expandSession,
  groupRow,
  openManager,
  packageRow,
  runNode,
  screenshot,
  sessionRow,
  snapshot,
  until,
} from './manager-helpers';
import { HELLO, LONG, designer, header, pkgOf, trackedSessions, waitUntilRunning } from './manager-support';

const session = trackedSessions();

/** The ids of the session rows in the table, top to bottom, of those in `ids`. */
async function sessionOrder(page: Page, ids: string[]): Promise<string[]> {
  const keys = await page
    .locator('.fp-manager .ant-table-tbody [data-row-key^="s:"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')!.slice(2)));
  return keys.filter((k) => ids.includes(k));
}

/** Clicks a column's title (ascending, descending, off, …) until the header says it sorts that way. */
async function sortBy(page: Page, title: string, order: 'ascending' | 'descending') {
  const th = header(page, title);
  for (let i = 0; i < 4; i++) {
    const now = await th.getAttribute('aria-sort');
    if (now === order) return;
    await th.locator('.ant-table-column-title').first().click();
    // Each click moves the sort one step; wait for it before the next (a busy page takes a moment).
    await expect.poll(() => th.getAttribute('aria-sort'), { timeout: 10_000 }).not.toBe(now);
  }
  await expect(th).toHaveAttribute('aria-sort', order);
}

test.describe('Session Manager table layout', () => {
  test.describe.configure({ timeout: 150_000 });

  test('sorts by Running for (ticking) and by Memory, and remembers the sort after a reload', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const first = await session(user, [LONG]);
    const second = await session(user, [LONG]);
    const idle = await session(user, [HELLO]);
    const ids = [first.id, second.id, idle.id];
    await runNode(user, first, pkgOf(first, LONG), 'totals');
    await waitUntilRunning(user, first, pkgOf(first, LONG));
    await new Promise((r) => setTimeout(r, 2500));
    await runNode(user, second, pkgOf(second, LONG), 'totals');
    await waitUntilRunning(user, second, pkgOf(second, LONG));
    await openManager(page, adminPassword);

    // Running for ticks each second.
    const running = cell(sessionRow(page, first.id), 'runningFor');
    await expect(running).toHaveText(/^\d+:\d\d$/);
    const before = await running.textContent();
    await expect(running).not.toHaveText(before!, { timeout: 5000 });

    await sortBy(page, 'Running for', 'descending');
    await expect.poll(() => sessionOrder(page, ids)).toEqual([first.id, second.id, idle.id]);
    await sortBy(page, 'Running for', 'ascending');
    // Shortest first; the idle session, with no running time, last either way.
    await expect.poll(() => sessionOrder(page, ids)).toEqual([second.id, first.id, idle.id]);
    await screenshot(page, 'sort-running-for', test.info());

    // Memory: the DuckDB memory of each session's instances, in human units; the order follows the server's bytes.
    // The running sessions have a figure; an instance that measured nothing yet has none (and sorts last).
    await until('the running sessions to have a memory figure', async () => {
      const s = await snapshot(await api.admin());
      const rows = s.sessions.filter((x) => x.id === first.id || x.id === second.id);
      return rows.length === 2 && rows.every((x) => (x.memoryBytes ?? 0) > 0);
    });
    await expect(cell(sessionRow(page, first.id), 'memory')).toHaveText(/^\d+(\.\d)? (B|kB|MB|GB)/);
    await sortBy(page, 'Memory', 'descending');
    const shownBytes = () =>
      page.locator('.fp-manager .ant-table-tbody [data-row-key^="s:"]').evaluateAll((rows, wanted) => {
        return rows
          .filter((r) => wanted.includes(r.getAttribute('data-row-key')!.slice(2)))
          .map((r) => {
            const v = r.querySelector('[data-column="memory"] [data-bytes]')?.getAttribute('data-bytes');
            return v === null || v === undefined ? null : Number(v);
          });
      }, ids);
    await expect
      .poll(async () => {
        const values = await shownBytes();
        const known = values.filter((v): v is number => v !== null);
        const nullsLast = values.indexOf(null) === -1 || values.slice(values.indexOf(null)).every((v) => v === null);
        return (
          values.length === 3 && known.length >= 2 && nullsLast && known.every((v, i) => i === 0 || known[i - 1] >= v)
        );
      })
      .toBe(true);
    await screenshot(page, 'sort-memory', test.info());

    await page.reload();
    await expect(header(page, 'Memory')).toHaveAttribute('aria-sort', 'descending');
    // A third click turns the sort off.
    await header(page, 'Memory').locator('.ant-table-column-title').first().click();
    await expect(header(page, 'Memory')).not.toHaveAttribute('aria-sort', /./);
  });

  test('column widths follow a drag of the header edge and stay after a reload', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [HELLO]);
    await openManager(page, adminPassword);
    await expect(sessionRow(page, s.id)).toBeVisible();

    const host = header(page, 'Host');
    const width = async () => (await host.boundingBox())!.width;
    const start = await width();
    const edge = host.getByRole('separator', { name: /Width of the Host column/ });
    const box = (await edge.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 6 });
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(width).toBeGreaterThan(start + 100);
    const dragged = await width();
    // The drag did not sort the column.
    await expect(host).not.toHaveAttribute('aria-sort', /./);
    // The keyboard moves the edge too.
    await edge.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(width).toBeLessThan(dragged - 8);
    const chosen = await width();
    await screenshot(page, 'column-widths', test.info());

    await page.reload();
    await expect(sessionRow(page, s.id)).toBeVisible();
    await expect.poll(width).toBeCloseTo(chosen, 0);
  });

  test('Collapse all and Expand all, and the links reach the groups below thousands of rows', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const users = [await designer(api, server.baseURL), await designer(api, server.baseURL)];
    const withPackages = await session(users[0], [HELLO]);
    // Enough sessions that the Shared and Pool groups are far below the first screen (20 a user at most).
    for (let i = 0; i < 36; i++) await session(users[i % 2]);
    await openManager(page, adminPassword);
    await expect(sessionRow(page, withPackages.id)).toBeVisible();
    await expect(groupRow(page, 'pool')).toHaveCount(0); // virtualized: not drawn while far below

    const jump = page.getByTestId('group-jump');
    await jump.getByRole('button', { name: /^Package pool/ }).click();
    await expect(groupRow(page, 'pool')).toBeVisible();
    await screenshot(page, 'jump-to-pool', test.info());
    await jump.getByRole('button', { name: /^Sessions/ }).click();
    await expect(groupRow(page, 'sessions')).toBeVisible();

    await page.getByRole('button', { name: 'Expand all' }).click();
    await expect(packageRow(page, withPackages.packages[0].id)).toBeVisible();
    await expect(sessionRow(page, withPackages.id)).toHaveAttribute('aria-expanded', 'true');

    await page.getByRole('button', { name: 'Collapse all' }).click();
    await expect(sessionRow(page, withPackages.id)).toHaveCount(0);
    for (const g of ['sessions', 'shared', 'pool'] as const) {
      await expect(groupRow(page, g)).toBeVisible();
      await expect(groupRow(page, g)).not.toHaveAttribute('aria-expanded', 'true');
    }
    await screenshot(page, 'collapse-all', test.info());

    await page.getByRole('button', { name: 'Expand all' }).click();
    await expandSession(page, withPackages.id);
    await expect(packageRow(page, withPackages.packages[0].id)).toBeVisible();
  });
});
