// The Session Manager page through a real browser against a real server, with Studio sessions of other
// users created through the real API: groups, columns, activity, refresh, search, language, access.
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
  sharedRow,
  snapshot,
} from './manager-helpers';
import { LONG, SCORING, HELLO, GREEN, designer, pkgOf, header, setChecked, trackedSessions } from './manager-support';

const session = trackedSessions();

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
