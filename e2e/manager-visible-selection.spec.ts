// The Session Manager acts only on the selected rows it shows: a row hidden by a search is never closed or stopped.
import { expect, test } from './fixtures';
import { openManager, screenshot, sessionRow, snapshot, userWithRoles } from './manager-helpers';
import { HELLO, dialog, settled, trackedSessions } from './manager-support';

const session = trackedSessions();

test.describe('Session Manager selection under a search', () => {
  test.describe.configure({ timeout: 120_000 });

  test('Delete with the only selected row hidden by a search does nothing', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const common = await userWithRoles(api, server.baseURL, 'common', ['design']);
    const viewer = await userWithRoles(api, server.baseURL, 'viewer', ['view']);
    const c = await session(common, [HELLO]);
    const v = await session(viewer, [HELLO]);
    await openManager(page, adminPassword);

    await sessionRow(page, c.id).click();
    const closeButton = page.getByRole('toolbar').getByRole('button', { name: 'Close' });
    await expect(closeButton).toBeEnabled();

    await page.keyboard.press('Control+f');
    await page.getByRole('searchbox', { name: 'Search the table' }).fill('viewer');
    await expect(sessionRow(page, c.id)).toHaveCount(0);
    await expect(sessionRow(page, v.id)).toBeVisible();
    // Out of the search box, so Delete reaches the page's shortcut.
    await page.getByRole('heading', { name: 'Session Manager', level: 1 }).click();
    await page.keyboard.press('Delete');
    await page.waitForTimeout(500);
    await expect(dialog(page, 'Close?')).toHaveCount(0);
    await expect(closeButton).toBeDisabled();
    await expect(page.getByRole('toolbar').getByRole('button', { name: 'Stop' })).toBeDisabled();
    await screenshot(page, 'hidden-selection-delete', test.info());
    expect((await snapshot(await api.admin())).sessions.some((s) => s.id === c.id)).toBe(true);

    // The search cleared, the row shows again, still selected: now Delete asks to close it.
    await page.getByRole('searchbox', { name: 'Search the table' }).fill('');
    await expect(sessionRow(page, c.id)).toBeVisible();
    await page.getByRole('heading', { name: 'Session Manager', level: 1 }).click();
    await page.keyboard.press('Delete');
    const confirm = dialog(page, 'Close?');
    await expect(confirm.getByTestId('confirm-list')).toContainText(c.name);
    await expect(confirm.getByTestId('confirm-list')).not.toContainText(v.name);
    await (await settled(confirm)).getByRole('button', { name: 'Cancel' }).click();
  });
});
