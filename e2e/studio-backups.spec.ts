// Backups of unsaved work through a real browser: the closed-session notice names the backup, the Studio
// lists it (package, time, reason) and opens it as a draft or discards it; /admin lists every user's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, REPO_ROOT, test } from './fixtures';
import { openManager } from './manager-helpers';
import { createStudioUser, openPackage, openStudio, packageTab, screenshot, setEditorText } from './studio-helpers';

const HELLO_YAML = readFileSync(path.join(REPO_ROOT, 'examples/storage/demo/hello.pkg.yaml'), 'utf8');

test.use({ viewport: { width: 1440, height: 1000 } });

test.describe('Backups', () => {
  test.describe.configure({ timeout: 120_000 });

  test("after an administrator's close, the backup is named, listed, opened as a draft and discarded", async ({
    page,
    login,
    api,
    browser,
    adminPassword,
  }) => {
    const user = await createStudioUser(api);
    const sid = await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');
    const edited = HELLO_YAML.replace('name: Hello', 'name: Hello unsaved');
    await setEditorText(page, edited);
    await expect(page.getByRole('toolbar', { name: 'Package Hello unsaved' })).toBeVisible();

    await (await api.admin()).post(`/api/manager/sessions/${sid}/close`);
    const ended = page.getByRole('dialog', { name: 'Your session was closed by an administrator' });
    await expect(ended).toBeVisible();
    const files = ended.getByTestId('backup-files');
    await expect(files).toContainText(/-demo_hello\.pkg\.yaml$/);
    const file = (await files.locator('li').first().textContent())!.trim();
    await screenshot(page, 'studio-closed-names-backup', test.info());

    // The administrator sees it on /admin, with its user.
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await openManager(adminPage, adminPassword);
    await adminPage.goto('/admin');
    const adminRow = adminPage.getByRole('table', { name: 'Backups' }).getByRole('row').filter({ hasText: user.name });
    await expect(adminRow.first()).toContainText('Hello unsaved');
    await expect(adminRow.first()).toContainText('closed by an administrator');
    await screenshot(adminPage, 'admin-backups', test.info());
    await adminContext.close();

    await ended.getByRole('button', { name: 'Start a new session' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await page.getByRole('button', { name: 'Backups' }).click();
    const list = page.getByRole('dialog', { name: 'Backups of unsaved work' });
    const row = list.getByRole('row').filter({ hasText: 'Hello unsaved' });
    await expect(row).toContainText('demo/hello.pkg.yaml');
    await expect(row).toContainText('closed by an administrator (admin)');
    await row.getByText('Hello unsaved').hover();
    await expect(page.getByRole('tooltip')).toHaveText(file);
    await screenshot(page, 'studio-backups-list', test.info());
    await row.getByRole('button', { name: 'Open as a draft' }).click();
    await expect(list).toBeHidden();
    await expect(packageTab(page, 'Hello unsaved')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('toolbar', { name: 'Package Hello unsaved' })).toContainText('Draft, not saved yet');

    await page.getByRole('button', { name: 'Backups' }).click();
    await list.getByRole('row').filter({ hasText: 'Hello unsaved' }).getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: 'Discard' }).click();
    await expect(list.getByText('No backups')).toBeVisible();
    await screenshot(page, 'studio-backups-discarded', test.info());
  });
});
