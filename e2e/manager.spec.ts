// The Session Manager through a real browser against a real server, with Studio sessions of other users
// created through the real API: every behaviour of the seed (SPEC 4) and the page's additions.
import type { Locator, Page } from '@playwright/test';
import type { PackageDto } from '@flowport/protocol';
import { expect, test, type ApiHelper } from './fixtures';
import {
  cell,
  expandSession,
  getPackage,
  groupRow,
  openLiveSession,
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
  type LiveSession,
  type SessionUser,
} from './manager-helpers';

const LONG = 'demo/long-aggregation.pkg.yaml';
const SCORING = 'credit/scoring.pkg.yaml';
const HELLO = 'demo/hello.pkg.yaml';
const GREEN = 'rgb(56, 158, 13)';

// Sessions opened by a test are ended after it, so each test sees only its own.
let opened: LiveSession[] = [];
test.beforeEach(() => {
  opened = [];
});
test.afterEach(async () => {
  await Promise.all(opened.map((s) => s.end().catch(() => undefined)));
});

async function session(user: SessionUser, paths: string[] = [], drafts = 0): Promise<LiveSession> {
  const s = await openLiveSession(user, paths, drafts);
  opened.push(s);
  return s;
}

const designer = (api: ApiHelper, baseURL: string, prefix = 'designer') =>
  userWithRoles(api, baseURL, prefix, ['design']);

const pkgOf = (s: LiveSession, path: string): PackageDto => {
  const p = s.packages.find((x) => x.path === path);
  if (!p) throw new Error(`${path} is not open in ${s.name}`);
  return p;
};

/** The header cell whose title is exactly `title`. */
const header = (page: Page, title: string): Locator =>
  page
    .locator('.fp-manager .ant-table-thead th')
    .filter({ has: page.locator('.ant-table-column-title', { hasText: new RegExp(`^${title}$`) }) });

const dialog = (page: Page, name: string) => page.getByRole('dialog', { name });

async function waitUntilRunning(user: SessionUser, s: LiveSession, pkg: PackageDto) {
  await until(`${pkg.name} to run`, async () => (await getPackage(user, s, pkg)).running);
}

/** Sets a checkbox in a dropdown that may still be animating in: a click during the animation can miss. */
async function setChecked(box: Locator, checked: boolean): Promise<void> {
  await expect(async () => {
    await box.setChecked(checked, { timeout: 2000 });
    await expect(box).toBeChecked({ checked, timeout: 500 });
  }).toPass({ timeout: 15_000 });
}

test.describe('Session Manager', () => {
  // Long runs, several users and page loads per test: more than the default minute on a busy machine.
  test.describe.configure({ timeout: 120_000 });

  test('shows the three groups with their counts and expands a session to its packages', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [SCORING, HELLO]);
    await openManager(page, adminPassword);

    const snap = await snapshot(await api.admin());
    await expect(groupRow(page, 'sessions')).toContainText(`Sessions (${snap.sessions.length})`);
    await expect(groupRow(page, 'shared')).toContainText(`Shared packages (${snap.shared.length})`);
    await expect(groupRow(page, 'pool')).toContainText(`Package pool (${snap.pool.items.length} / ${snap.pool.max})`);

    const r = sessionRow(page, s.id);
    await expect(cell(r, 'name')).toContainText(`${user.name}:${s.id}`);
    await expect(cell(r, 'name')).toContainText('Studio');
    await expect(packageRow(page, s.packages[0].id)).toHaveCount(0);
    await expandSession(page, s.id);
    await expect(cell(packageRow(page, pkgOf(s, SCORING).id), 'name')).toHaveText('Credit scoring');
    await expect(cell(packageRow(page, pkgOf(s, HELLO).id), 'name')).toHaveText('Hello');
    await screenshot(page, 'groups-expanded', test.info());

    await r.getByRole('button', { name: 'Collapse row' }).click();
    await expect(packageRow(page, s.packages[0].id)).toHaveCount(0);
  });

  test('shows every column for sessions, packages, drafts and shared packages', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [SCORING], 1);
    await openManager(page, adminPassword);
    for (const title of ['Sessions and packages', 'Activity', 'Host', 'Role', 'Version', 'Created', 'Saved', 'Path']) {
      await expect(header(page, title)).toBeVisible();
    }

    const r = sessionRow(page, s.id);
    await expect(cell(r, 'activity')).toHaveText(/^\d\d:\d\d:\d\d$/);
    await expect(cell(r, 'host')).toHaveText('127.0.0.1');
    await expect(cell(r, 'role').getByRole('img', { name: 'Workflow design' })).toBeVisible();
    await expect(cell(r, 'created')).toHaveText(/\d{4}, \d\d:\d\d:\d\d/);
    await expect(cell(r, 'path')).toHaveText('');

    await expandSession(page, s.id);
    const scoring = packageRow(page, pkgOf(s, SCORING).id);
    await expect(cell(scoring, 'version')).toHaveText('1.2.0');
    await expect(cell(scoring, 'created')).toHaveText(/\d{4}, \d\d:\d\d:\d\d/);
    await expect(cell(scoring, 'saved')).toHaveText(/\d{4}, \d\d:\d\d:\d\d/);
    await expect(cell(scoring, 'path')).toHaveText(SCORING);
    await expect(cell(scoring, 'host')).toHaveText('');

    const draft = packageRow(page, s.packages.find((p) => p.path === null)!.id);
    await expect(cell(draft, 'name')).toContainText('draft');
    await expect(cell(draft, 'path')).toHaveText('');
    await expect(cell(draft, 'created')).toHaveText('');
    await expect(cell(draft, 'saved')).toHaveText('');

    // The shared package: the reference count right of its name, with the holders in a tooltip.
    const shared = (await snapshot(await api.admin())).shared.find((p) => p.path === 'lib/common.pkg.yaml')!;
    const sr = sharedRow(page, shared.id);
    await expect(cell(sr, 'name')).toContainText('Common transformations');
    const count = sr.locator('.fp-ref-count');
    await expect(count).toHaveText(String(shared.refCount));
    await count.hover();
    await expect(page.getByRole('tooltip').filter({ hasText: 'Referenced by' })).toContainText(s.name);
    await expect(cell(sr, 'path')).toHaveText('lib/common.pkg.yaml');
    await screenshot(page, 'columns', test.info());
  });

  test('hides columns from the chooser and the header menu, and keeps them hidden after a reload', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    await session(user, [HELLO]);
    await openManager(page, adminPassword);

    await page.getByRole('button', { name: 'Columns' }).click();
    await setChecked(page.getByRole('checkbox', { name: 'Host' }), false);
    await expect(page.getByRole('checkbox', { name: 'Sessions and packages' })).toBeDisabled();
    await page.keyboard.press('Escape');
    await expect(header(page, 'Host')).toHaveCount(0);

    await page.getByRole('button', { name: 'Path column menu' }).click();
    await page.getByRole('button', { name: 'Hide column' }).click();
    await expect(header(page, 'Path')).toHaveCount(0);
    await screenshot(page, 'columns-hidden', test.info());

    await page.reload();
    await expect(header(page, 'Activity')).toBeVisible();
    await expect(header(page, 'Host')).toHaveCount(0);
    await expect(header(page, 'Path')).toHaveCount(0);

    await page.getByRole('button', { name: 'Columns' }).click();
    await setChecked(page.getByRole('checkbox', { name: 'Host' }), true);
    await setChecked(page.getByRole('checkbox', { name: 'Path' }), true);
    await expect(header(page, 'Host')).toBeVisible();
    await expect(header(page, 'Path')).toBeVisible();
  });

  test('a running node turns Activity green and shows a progress bar with the node and its start time', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [LONG]);
    const pkg = s.packages[0];
    await openManager(page, adminPassword);
    const r = sessionRow(page, s.id);
    await expect(r.locator('[data-running="true"]')).toHaveCount(0);

    await runNode(user, s, pkg, 'totals');
    const activity = cell(r, 'activity').locator('[data-running="true"]');
    await expect(activity).toBeVisible();
    await expect(activity).toHaveCSS('color', GREEN);

    await expandSession(page, s.id);
    const bar = packageRow(page, pkg.id).getByRole('progressbar', { name: 'Progress of Long aggregation' });
    await expect(bar).toBeVisible();
    await bar.hover();
    const tip = page.getByRole('tooltip').filter({ hasText: 'Node being activated' });
    await expect(tip).toContainText(/Node being activated: (events|totals)/);
    await expect(tip).toContainText(/Started at \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d/);
    const live = (await snapshot(await api.admin())).sessions.find((x) => x.id === s.id)!.packages[0];
    expect(live.running).toBe(true);
    await screenshot(page, 'running-progress', test.info());

    await user.post(`/api/sessions/${s.id}/packages/${pkg.id}/stop`);
    await expect(bar).toHaveCount(0, { timeout: 15_000 });
    await expect(activity).toHaveCount(0);
  });

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
    await confirm.getByRole('button', { name: 'Stop' }).click();
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
    await confirm.getByRole('button', { name: 'Close' }).click();
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
    await confirm.getByRole('button', { name: 'Close' }).click();
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
    await confirm.getByRole('button', { name: 'Close' }).click();
    await expect(sessionRow(page, a.id)).toHaveCount(0);
    await expect(sessionRow(page, c.id)).toHaveCount(0);
    await expect(sessionRow(page, b.id)).toBeVisible();

    // The keyboard: a focused row is selected with Space, and Delete asks to close it.
    await sessionRow(page, b.id).focus();
    await page.keyboard.press('Space');
    await expect(sessionRow(page, b.id)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Delete');
    await expect(dialog(page, 'Close?').getByTestId('confirm-list')).toContainText(b.name);
    await dialog(page, 'Close?').getByRole('button', { name: 'Cancel' }).click();
    await expect(sessionRow(page, b.id)).toBeVisible();
  });

  test('Alt+F5 refreshes, and the list updates by itself: live, in a hidden tab, and by polling without the live feed', async ({
    page,
    context,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    await openManager(page, adminPassword);

    const request = page.waitForRequest((r) => r.url().includes('/api/manager/snapshot'));
    await page.keyboard.press('Alt+F5');
    await request;

    // Live: a new session appears and goes by itself, also as in a hidden tab, where the browser runs no
    // animation frames: the page must not depend on requestAnimationFrame for its updates.
    await page.evaluate(() => {
      window.requestAnimationFrame = () => 0;
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const s = await session(user, [HELLO]);
    await expect(sessionRow(page, s.id)).toBeVisible();
    await s.end();
    await expect(sessionRow(page, s.id)).toHaveCount(0);

    // Without the live feed the page says so and polls every 5 seconds.
    const offline = await context.newPage();
    await offline.routeWebSocket(/\/api\/manager\/live/, (ws) => ws.close());
    await offline.goto('/manager');
    await expect(offline.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
    await expect(offline.getByTestId('connection-status')).toContainText('refreshing every 5 s');
    const polled = await session(user, [HELLO]);
    await expect(sessionRow(offline, polled.id)).toBeVisible({ timeout: 12_000 });
    await screenshot(offline, 'polling', test.info());
  });

  test('Ctrl+F searches the table and a column header menu searches one column', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const alice = await designer(api, server.baseURL, 'alice');
    const bob = await designer(api, server.baseURL, 'bob');
    const a = await session(alice, [SCORING]);
    const b = await session(bob, [HELLO]);
    await openManager(page, adminPassword);

    await page.locator('.fp-manager').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    const box = page.getByRole('searchbox', { name: 'Search the table' });
    await expect(box).toBeFocused();
    const started = Date.now();
    await box.fill(alice.name);
    await expect(sessionRow(page, b.id)).toHaveCount(0);
    const elapsed = Date.now() - started;
    await expect(sessionRow(page, a.id)).toBeVisible();
    console.log(`[manager] search filtered in ${elapsed} ms (including Playwright round trips)`);
    await screenshot(page, 'search', test.info());
    await box.press('Escape');
    await expect(sessionRow(page, b.id)).toBeVisible();

    await page.getByRole('button', { name: 'Path column menu' }).click();
    await page.getByRole('textbox', { name: 'Search in Path' }).fill('hello');
    await expect(sessionRow(page, a.id)).toHaveCount(0);
    await expect(sessionRow(page, b.id)).toHaveAttribute('aria-expanded', 'true');
    await expect(packageRow(page, b.packages[0].id)).toBeVisible();
    await expect(groupRow(page, 'sessions')).toContainText(/Sessions \(1 of \d+\)/);
    await screenshot(page, 'column-search', test.info());
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(sessionRow(page, a.id)).toBeVisible();
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
    await dialog(page, 'Close?').getByRole('button', { name: 'Cancel' }).click();

    await runNode(user, s, s.packages[0], 'totals');
    await expect(cell(sessionRow(page, s.id), 'activity').locator('[data-running="true"]')).toBeVisible();
    await sessionRow(page, s.id).click({ button: 'right' });
    await page.getByRole('menu').getByRole('menuitem', { name: /^Stop/ }).click();
    const confirm = dialog(page, 'Stop the execution?');
    await expect(confirm).toContainText(s.name);
    await expect(confirm).toContainText('Long aggregation');
    await confirm.getByRole('button', { name: 'Stop' }).click();
    await until('the session to stop', async () => !(await getPackage(user, s, s.packages[0])).running);
    await expect(cell(sessionRow(page, s.id), 'activity').locator('[data-running="true"]')).toHaveCount(0);

    await sessionRow(page, s.id).click({ button: 'right' });
    await page
      .getByRole('menu')
      .getByRole('menuitem', { name: /^Search/ })
      .click();
    await expect(page.getByRole('searchbox', { name: 'Search the table' })).toBeFocused();
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

    await sessionRow(page, s.id).click({ button: 'right' });
    await page.getByRole('menuitemcheckbox', { name: 'Resolve names by IP' }).click();
    await expect(host).toHaveText('localhost');
    await screenshot(page, 'resolved-names', test.info());

    await page.reload();
    await expect(host).toHaveText('localhost');
    await sessionRow(page, s.id).click({ button: 'right' });
    const toggle = page.getByRole('menuitemcheckbox', { name: 'Resolve names by IP' });
    await expect(toggle).toHaveAttribute('aria-checked', 'true');
    // Right after a reload the live snapshot may re-render the table under the opening menu and the
    // click miss: the menu is opened again and the click repeated until the choice took effect.
    await expect(async () => {
      if ((await host.textContent()) !== '127.0.0.1') {
        if (!(await toggle.isVisible())) await sessionRow(page, s.id).click({ button: 'right' });
        await toggle.click({ timeout: 3000 });
      }
      await expect(host).toHaveText('127.0.0.1', { timeout: 3000 });
    }).toPass({ timeout: 20_000 });
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

    await pool.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Clear package pool' }).click();
    const confirm = dialog(page, 'Clear the package pool?');
    await expect(confirm.getByTestId('confirm-list')).toContainText('Hello');
    await screenshot(page, 'clear-pool-confirm', test.info());
    await confirm.getByRole('button', { name: 'Clear package pool' }).click();
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
    await confirm.getByRole('button', { name: 'Close' }).click();

    const why = page.getByTestId('action-failures');
    await expect(why).toBeVisible();
    await expect(why).toContainText('Common transformations cannot be closed');
    await expect(why).toContainText(s.name);
    await expect(sharedRow(page, shared.id)).toBeVisible();
    await screenshot(page, 'shared-referenced', test.info());
  });

  test('speaks Russian with the seed terms', async ({ page, api, server, adminPassword }) => {
    const user = await designer(api, server.baseURL);
    await session(user, [SCORING]);
    await openManager(page, adminPassword);
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Русский' }).click();
    // The seed calls the page «Диспетчер».
    await expect(page.getByRole('heading', { name: 'Диспетчер', level: 1 })).toBeVisible();
    await expect(
      page.getByRole('navigation', { name: 'Главное меню' }).getByRole('link', { name: 'Диспетчер' }),
    ).toBeVisible();
    await expect(groupRow(page, 'sessions')).toContainText('Сессии (');
    await expect(groupRow(page, 'shared')).toContainText('Общие пакеты (');
    await expect(groupRow(page, 'pool')).toContainText('Пул пакетов (');
    for (const title of ['Сессии и пакеты', 'Активность', 'Хост', 'Роль', 'Версия', 'Создан', 'Сохранен', 'Путь']) {
      await expect(header(page, title)).toBeVisible();
    }
    const toolbar = page.getByRole('toolbar');
    for (const name of ['Обновить', 'Остановить', 'Закрыть', 'Поиск']) {
      await expect(toolbar.getByRole('button', { name })).toBeVisible();
    }
    await groupRow(page, 'sessions').click({ button: 'right' });
    await expect(page.getByRole('menuitemcheckbox', { name: 'Разрешать имена по IP' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Очистить пул пакетов' })).toBeVisible();
    await screenshot(page, 'russian', test.info());
  });

  test('a user who is not an administrator gets no access', async ({ page, api, server, login }) => {
    const user = await designer(api, server.baseURL);
    await login(page, user.name, user.password);
    await page.goto('/manager');
    await expect(page.getByText('No access')).toBeVisible();
    await expect(page.locator('.fp-manager')).toHaveCount(0);
    const answer = await user.request('GET', '/api/manager/snapshot');
    expect(answer.status).toBe(403);
    await screenshot(page, 'no-access', test.info());
  });
});
