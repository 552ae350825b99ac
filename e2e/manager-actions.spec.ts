// The Session Manager's actions through a real browser against a real server: stop, close, multi-select,
// the context menu, host names, clearing the pool and what cannot be closed.
import { expect, test } from './fixtures';
import type { Locator } from '@playwright/test';
import {
  cell,
  chooseFromMenu,
  expandSession,
  getPackage,
  groupRow,
  openManager,
  packageRow,
  row,
  runNode,
  screenshot,
  sessionRow,
  sharedRow,
  snapshot,
  until,
  userWithRoles,
} from './manager-helpers';
import {
  LONG,
  SCORING,
  HELLO,
  designer,
  pkgOf,
  dialog,
  settled,
  waitUntilRunning,
  trackedSessions,
} from './manager-support';

const session = trackedSessions();

/**
 * Confirms the Close dialog until it has gone: a live update (the feed's heartbeat, a delta) may
 * redraw the dialog's button under the click on a busy machine, and the click then misses.
 */
async function confirmClose(confirm: Locator): Promise<void> {
  await expect(async () => {
    if (await confirm.isVisible()) await confirm.getByRole('button', { name: 'Close' }).click({ timeout: 2000 });
    await expect(confirm).toBeHidden({ timeout: 2000 });
  }).toPass({ timeout: 15_000 });
}

test.describe('Session Manager actions', () => {
  // Long runs, several users and page loads per test: more than the default minute on a busy machine.
  test.describe.configure({ timeout: 120_000 });

  test('Stop asks for confirmation and stops the execution on the server', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [LONG, HELLO]);
    const long = pkgOf(s, LONG);
    await openManager(page, adminPassword);
    await expandSession(page, s.id);

    const stop = page.getByRole('toolbar').getByRole('button', { name: 'Stop' });
    await packageRow(page, long.id).click();
    await expect(stop).toBeDisabled();

    await runNode(user, s, long, 'totals');
    await waitUntilRunning(user, s, long);
    await expect(packageRow(page, long.id).getByRole('progressbar')).toBeVisible();
    await packageRow(page, long.id).click();
    await expect(stop).toBeEnabled();
    await stop.click();
    const confirm = dialog(page, 'Stop the execution?');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByTestId('confirm-list')).toContainText('Long aggregation');
    await screenshot(page, 'stop-confirm', test.info());
    await (await settled(confirm)).getByRole('button', { name: 'Stop' }).click();
    await expect(confirm).toBeHidden();

    const after = await until('the run to stop', async () => {
      const dto = await getPackage(user, s, long);
      return dto.running ? null : dto;
    });
    expect(after!.nodes.find((n) => n.id === 'totals')?.state).not.toBe('done');
    await expect(packageRow(page, long.id).getByRole('progressbar')).toHaveCount(0);
    await expect(cell(sessionRow(page, s.id), 'activity').locator('[data-running="true"]')).toHaveCount(0);
    await until('the stop event', () => s.events.some((e) => e.type === 'stopped-by-administrator'));

    // The audit panel lists the action; it came over the live feed, the page did not reload it.
    await page.getByRole('button', { name: /Audit log: latest administrator actions/ }).click();
    const auditRow = page
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .filter({ hasText: 'Stop package' });
    await expect(auditRow.first()).toContainText('admin');
    await expect(auditRow.first()).toContainText('Long aggregation');
    await expect(auditRow.first()).toContainText('done');
    const audit = await (
      await api.admin()
    ).get<{ entries: { action: string; outcome: string }[] }>('/api/manager/audit?limit=5');
    expect(audit.entries.some((e) => e.action === 'package.stop' && e.outcome === 'ok')).toBe(true);
    await screenshot(page, 'stopped', test.info());
  });

  test('Close (button and Delete key) asks for confirmation and removes a session with its packages', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const first = await session(user, [SCORING, HELLO]);
    const second = await session(user, [HELLO]);
    await openManager(page, adminPassword);
    await expandSession(page, first.id);

    await sessionRow(page, first.id).click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Close' }).click();
    let confirm = dialog(page, 'Close?');
    await expect(confirm.getByTestId('confirm-list')).toContainText(first.name);
    await expect(confirm.getByTestId('confirm-list')).toContainText('Credit scoring, Hello');
    await screenshot(page, 'close-confirm', test.info());
    await confirmClose(confirm);
    await expect(sessionRow(page, first.id)).toHaveCount(0);
    for (const p of first.packages) await expect(packageRow(page, p.id)).toHaveCount(0);
    const snap = await snapshot(await api.admin());
    expect(snap.sessions.some((x) => x.id === first.id)).toBe(false);
    await until('the session-closed event', () =>
      first.events.some((e) => e.type === 'session-closed' && e.reason === 'administrator'),
    );

    await sessionRow(page, second.id).click();
    await page.keyboard.press('Delete');
    confirm = dialog(page, 'Close?');
    await expect(confirm.getByTestId('confirm-list')).toContainText(second.name);
    await confirmClose(confirm);
    await expect(sessionRow(page, second.id)).toHaveCount(0);
    expect((await snapshot(await api.admin())).sessions.some((x) => x.id === second.id)).toBe(false);
    await screenshot(page, 'closed', test.info());
  });

  test('several rows selected with Ctrl and Shift are closed in one confirmed action', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const a = await session(user, [HELLO]);
    const b = await session(user, [HELLO]);
    const c = await session(user, [HELLO]);
    await openManager(page, adminPassword);

    await sessionRow(page, a.id).click();
    await sessionRow(page, c.id).click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('selection-count')).toHaveText('3 selected');
    await sessionRow(page, b.id).click({ modifiers: ['ControlOrMeta'] });
    await expect(sessionRow(page, b.id)).toHaveAttribute('aria-selected', 'false');
    await expect(page.getByTestId('selection-count')).toHaveText('2 selected');
    await page.keyboard.press('Delete');
    const confirm = dialog(page, 'Close?');
    await expect(confirm.getByTestId('confirm-list').locator('li')).toHaveCount(2);
    await screenshot(page, 'multi-close-confirm', test.info());
    await (await settled(confirm)).getByRole('button', { name: 'Close' }).click();
    await expect(sessionRow(page, a.id)).toHaveCount(0);
    await expect(sessionRow(page, c.id)).toHaveCount(0);
    await expect(sessionRow(page, b.id)).toBeVisible();

    // The keyboard: a focused row is selected with Space, and Delete asks to close it.
    await sessionRow(page, b.id).focus();
    await page.keyboard.press('Space');
    await expect(sessionRow(page, b.id)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Delete');
    await expect(dialog(page, 'Close?').getByTestId('confirm-list')).toContainText(b.name);
    await (await settled(dialog(page, 'Close?'))).getByRole('button', { name: 'Cancel' }).click();
    await expect(sessionRow(page, b.id)).toBeVisible();
  });

  test('the right-click menu offers the actions and stops a running session', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [LONG]);
    await openManager(page, adminPassword);

    await sessionRow(page, s.id).click({ button: 'right' });
    const menu = page.getByRole('menu');
    await expect(menu).toBeVisible();
    for (const name of [/^Refresh/, /^Close/, /^Search/, /^Clear package pool/]) {
      await expect(menu.getByRole('menuitem', { name })).toBeEnabled();
    }
    await expect(menu.getByRole('menuitem', { name: /^Stop/ })).toHaveAttribute('aria-disabled', 'true');
    await expect(menu.getByRole('menuitemcheckbox', { name: 'Resolve names by IP' })).toHaveAttribute(
      'aria-checked',
      'false',
    );
    await screenshot(page, 'context-menu', test.info());
    await menu.getByRole('menuitem', { name: /^Close/ }).click();
    await expect(dialog(page, 'Close?')).toContainText(s.name);
    await (await settled(dialog(page, 'Close?'))).getByRole('button', { name: 'Cancel' }).click();

    await runNode(user, s, s.packages[0], 'totals');
    await expect(cell(sessionRow(page, s.id), 'activity').locator('[data-running="true"]')).toBeVisible();
    // The running row re-renders with every progress update: a menu opened meanwhile may be redrawn
    // under the click, so the menu is opened again until the confirmation shows.
    const confirm = dialog(page, 'Stop the execution?');
    await chooseFromMenu(sessionRow(page, s.id), page.getByRole('menu').getByRole('menuitem', { name: /^Stop/ }), () =>
      expect(confirm).toBeVisible({ timeout: 2000 }),
    );
    await expect(confirm).toContainText(s.name);
    await expect(confirm).toContainText('Long aggregation');
    await (await settled(confirm)).getByRole('button', { name: 'Stop' }).click();
    await until('the session to stop', async () => !(await getPackage(user, s, s.packages[0])).running);
    await expect(cell(sessionRow(page, s.id), 'activity').locator('[data-running="true"]')).toHaveCount(0);

    await chooseFromMenu(
      sessionRow(page, s.id),
      page.getByRole('menu').getByRole('menuitem', { name: /^Search/ }),
      () => expect(page.getByRole('searchbox', { name: 'Search the table' })).toBeFocused({ timeout: 2000 }),
    );
  });

  test('Resolve names by IP shows localhost for 127.0.0.1 and is remembered', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [HELLO]);
    await openManager(page, adminPassword);
    const host = cell(sessionRow(page, s.id), 'host');
    await expect(host).toHaveText('127.0.0.1');
    const toggle = page.getByRole('menuitemcheckbox', { name: 'Resolve names by IP' });
    await chooseFromMenu(sessionRow(page, s.id), toggle, () => expect(host).toHaveText('localhost', { timeout: 3000 }));
    await screenshot(page, 'resolved-names', test.info());

    await page.reload();
    await expect(host).toHaveText('localhost');
    await sessionRow(page, s.id).click({ button: 'right' });
    await expect(toggle).toHaveAttribute('aria-checked', 'true');
    await chooseFromMenu(sessionRow(page, s.id), toggle, () => expect(host).toHaveText('127.0.0.1', { timeout: 3000 }));
  });

  test('Clear package pool asks for confirmation and empties the pool group', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const batch = await userWithRoles(api, server.baseURL, 'batch', ['batch']);
    const call = await fetch(`${server.baseURL}/integrator/v1/${HELLO}/greeting`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${batch.name}:${batch.password}`).toString('base64')}`,
      },
      body: JSON.stringify({ inputs: { names: [{ name: 'Ann' }] } }),
    });
    expect(call.status, await call.clone().text()).toBe(200);
    const snap = await snapshot(await api.admin());
    expect(snap.pool.items.length).toBeGreaterThan(0);

    await openManager(page, adminPassword);
    const pool = groupRow(page, 'pool');
    await expect(pool).toContainText(`Package pool (${snap.pool.items.length} / ${snap.pool.max})`);
    const item = row(page, `pl:${snap.pool.items[0].id}`);
    await expect(item).toContainText('Hello');
    await expect(item).toContainText(/hits \d+/);
    await expect(item).toContainText(/last used/);

    const confirm = dialog(page, 'Clear the package pool?');
    await chooseFromMenu(pool, page.getByRole('menuitem', { name: 'Clear package pool' }), () =>
      expect(confirm).toBeVisible({ timeout: 2000 }),
    );
    await expect(confirm.getByTestId('confirm-list')).toContainText('Hello');
    await screenshot(page, 'clear-pool-confirm', test.info());
    await (await settled(confirm)).getByRole('button', { name: 'Clear package pool' }).click();
    await expect(pool).toContainText(`Package pool (0 / ${snap.pool.max})`);
    await expect(item).toHaveCount(0);
    expect((await snapshot(await api.admin())).pool.items).toHaveLength(0);
    await screenshot(page, 'pool-cleared', test.info());
  });

  test('a shared package that is still referenced cannot be closed and the page says why', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [SCORING]);
    const shared = (await snapshot(await api.admin())).shared.find((p) => p.path === 'lib/common.pkg.yaml')!;
    await openManager(page, adminPassword);

    await sharedRow(page, shared.id).click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Close' }).click();
    const confirm = dialog(page, 'Close?');
    await expect(confirm).toContainText('Common transformations');
    await expect(confirm).toContainText(`Still referenced by`);
    await expect(confirm).toContainText(s.name);
    await (await settled(confirm)).getByRole('button', { name: 'Close' }).click();

    const why = page.getByTestId('action-failures');
    await expect(why).toBeVisible();
    await expect(why).toContainText('Common transformations cannot be closed');
    await expect(why).toContainText(s.name);
    await expect(sharedRow(page, shared.id)).toBeVisible();
    await screenshot(page, 'shared-referenced', test.info());
  });
});
