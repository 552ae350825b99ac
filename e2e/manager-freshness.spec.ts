// The Session Manager's freshness through a real browser: "Updated" follows the link's heartbeat; with the
// server down the rows are marked out of date and cannot be acted on; Russian wording; a parameter
// change's audit row with old → new values.
import { ADMIN_PASSWORD, ADMIN_USER, ApiClient, expect, startServer, stopServer, test } from './fixtures';
import { openLiveSession, openManager, screenshot, sessionRow, SessionUser } from './manager-helpers';
import { HELLO, dialog, settled } from './manager-support';

test.describe('Session Manager freshness', () => {
  test.describe.configure({ timeout: 150_000 });

  test('Updated is the last contact; a server that is down greys the rows and disables Close and Stop', async ({
    page,
  }) => {
    // A server of its own: this test stops it.
    const own = await startServer();
    try {
      const admin = await new ApiClient(own.baseURL).login(ADMIN_USER, ADMIN_PASSWORD);
      await admin.post('/api/admin/users', { name: 'fresh', password: 'fresh-Pa55word', roles: ['design'] });
      const user = await new SessionUser(own.baseURL).login('fresh', 'fresh-Pa55word');
      user.name = 'fresh';
      const s = await openLiveSession(user, [HELLO]);

      await page.goto(`${own.baseURL}/login`);
      await page.getByLabel('User name').fill(ADMIN_USER);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      // The login's cookie is set when the page leaves /login; a goto before that lands on the login page.
      await expect(page).not.toHaveURL(/\/login/);
      await page.goto(`${own.baseURL}/manager`);
      const status = page.getByTestId('connection-status');
      await expect(status).toHaveAttribute('data-state', 'live');

      // Nothing changes on the server, yet "Updated" moves with the heartbeat.
      const updated = status.getByText(/^Updated /);
      const first = await updated.textContent();
      await expect(updated).not.toHaveText(first!, { timeout: 12_000 });

      // The Russian page; the Close dialog says what it closes.
      await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Русский' }).click();
      await sessionRow(page, s.id).click();
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('Delete');
      const confirm = dialog(page, 'Закрыть?');
      await expect(confirm).toContainText('Будут закрыты и удалены эти сессии и пакеты');
      await expect(confirm.getByTestId('confirm-list')).toContainText(s.name);
      await screenshot(page, 'manager-close-dialog-ru', test.info());
      await (await settled(confirm)).getByRole('button', { name: 'Отмена' }).click();
      await expect(confirm).toBeHidden();

      // The server goes away: rows out of date, greyed, no action possible, the banner in Russian.
      await stopServer(own);
      const banner = page.getByTestId('server-down');
      await expect(banner).toBeVisible({ timeout: 30_000 });
      await expect(banner).toContainText('Сервер не отвечает');
      await expect(page.locator('.fp-manager')).toHaveAttribute('data-stale', 'true');
      await expect(page.getByTestId('stale-tag')).toHaveText('устарело');
      await expect(sessionRow(page, s.id).locator('.ant-table-cell').first()).toHaveCSS('opacity', '0.5');
      await expect(page.getByRole('toolbar').getByRole('button', { name: 'Закрыть' })).toBeDisabled();
      await expect(page.getByRole('toolbar').getByRole('button', { name: 'Остановить' })).toBeDisabled();
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('Delete');
      await page.waitForTimeout(300);
      await expect(dialog(page, 'Закрыть?')).toHaveCount(0);
      await screenshot(page, 'manager-server-down-ru', test.info());
    } finally {
      await stopServer(own).catch(() => undefined);
    }
  });

  test("a parameter change's audit row names the parameter with its old and new value", async ({
    page,
    api,
    adminPassword,
  }) => {
    const admin = await api.admin();
    const before = await admin.get<{ packagePoolSize: number }>('/api/admin/parameters');
    const next = before.packagePoolSize + 2;
    await admin.put('/api/admin/parameters', { packagePoolSize: next });
    await openManager(page, adminPassword);
    await page.getByRole('button', { name: /Audit log: latest administrator actions/ }).click();
    const auditRow = page
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .filter({ hasText: 'Change server parameters' })
      .first();
    await expect(auditRow).toContainText(`packagePoolSize: ${before.packagePoolSize} → ${next}`);
    await screenshot(page, 'manager-audit-parameter-change', test.info());
    await admin.put('/api/admin/parameters', { packagePoolSize: before.packagePoolSize });
  });
});
