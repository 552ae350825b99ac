// The administrator's stop as the designer's tab tells it: which package and node, by whom, and going on first.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, REPO_ROOT, test } from './fixtures';
import {
  createStudioUser,
  managerSessions,
  openPackage,
  openStudio,
  packageTab,
  screenshot,
  storageFile,
} from './studio-helpers';

const LONG_YAML = readFileSync(path.join(REPO_ROOT, 'examples/storage/demo/long-aggregation.pkg.yaml'), 'utf8');

test.use({ viewport: { width: 1440, height: 1000 } });

test.describe('Stopped by an administrator', () => {
  test.describe.configure({ timeout: 150_000 });

  test('names the stopped package, its node and the administrator; the other package goes on', async ({
    page,
    login,
    api,
    server,
  }) => {
    writeFileSync(
      storageFile(server, 'demo/long-copy.pkg.yaml'),
      LONG_YAML.replace('name: Long aggregation', 'name: Long copy'),
    );
    const user = await createStudioUser(api);
    const sid = await openStudio(page, login, user);
    await openPackage(page, 'demo/long-aggregation.pkg.yaml', 'Long aggregation');
    await page.getByRole('button', { name: 'Run all' }).filter({ visible: true }).click();
    await page.getByRole('button', { name: 'Refresh the file storage' }).click();
    await openPackage(page, 'demo/long-copy.pkg.yaml', 'Long copy');
    await page.getByRole('button', { name: 'Run all' }).filter({ visible: true }).click();
    await expect(page.getByRole('status', { name: 'Execution' }).filter({ visible: true })).toBeVisible({
      timeout: 15_000,
    });

    const admin = await api.admin();
    let long: { id: string } | undefined;
    await expect
      .poll(async () => {
        const s = (await managerSessions(api)).find((x) => x.id === sid);
        long = s?.packages.find((p) => p.name === 'Long aggregation' && p.running);
        return s?.packages.filter((p) => p.running).length ?? 0;
      })
      .toBe(2);
    await admin.post(`/api/manager/packages/${long!.id}/stop`);

    const dialog = page.getByRole('dialog', { name: 'Your execution was stopped by an administrator' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('stopped-list')).toContainText(/“Long aggregation”, at node \w+/);
    await expect(dialog.getByTestId('stopped-list')).not.toContainText('Long copy');
    await expect(dialog.getByTestId('still-running')).toContainText('“Long copy”');
    await expect(dialog).toContainText('By admin.');
    // Going on in this session is the primary choice; a new session is not offered first.
    await expect(dialog.getByRole('button', { name: 'Continue in this session' })).toHaveClass(/ant-btn-primary/);
    await expect(dialog.getByRole('button', { name: 'Start a new session' })).not.toHaveClass(/ant-btn-primary/);
    await screenshot(page, 'studio-stopped-names-package', test.info());

    await dialog.getByRole('button', { name: 'Continue in this session' }).click();
    await expect(dialog).toBeHidden();
    await packageTab(page, 'Long copy').click();
    await page.getByRole('button', { name: 'Stop' }).filter({ visible: true }).click();
    await expect(page.getByRole('status', { name: 'Execution' }).filter({ visible: true })).toBeHidden({
      timeout: 20_000,
    });
  });
});
