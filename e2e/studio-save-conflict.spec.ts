// A Studio save never silently overwrites: the notice of a file changed on disk, the 409's three choices
// (reload, overwrite after confirming, save as), and Created kept across saves.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, REPO_ROOT, test } from './fixtures';
import {
  createStudioUser,
  editorText,
  openPackage,
  openStudio,
  screenshot,
  setEditorText,
  settledDialog,
  storageFile,
} from './studio-helpers';

const HELLO_YAML = readFileSync(path.join(REPO_ROOT, 'examples/storage/demo/hello.pkg.yaml'), 'utf8');

test.use({ viewport: { width: 1440, height: 1100 } });

test.describe('Studio save conflicts', () => {
  test.describe.configure({ timeout: 120_000 });

  test('a file changed on disk is told at once; saving offers reload, overwrite or save as', async ({
    page,
    login,
    api,
    server,
  }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    // Its own copy, so other tests of the file keep the example as it is.
    const file = storageFile(server, 'demo/conflict.pkg.yaml');
    writeFileSync(file, HELLO_YAML.replace('name: Hello', 'name: Conflict'));
    await page.getByRole('button', { name: 'Refresh the file storage' }).click();
    await openPackage(page, 'demo/conflict.pkg.yaml', 'Conflict');

    // Another program changes the file: the open tab says so without any click.
    const onDisk = HELLO_YAML.replace('name: Hello', 'name: Conflict').replace('version: 1.0.0', 'version: 9.9.9');
    writeFileSync(file, onDisk);
    const notice = page.getByTestId('file-changed-notice');
    await expect(notice).toBeVisible({ timeout: 15_000 });
    await expect(notice).toContainText('changed on disk at');
    await screenshot(page, 'studio-file-changed-notice', test.info());

    // The designer's own edit; Save is refused with the three choices.
    const mine = HELLO_YAML.replace('name: Hello', 'name: Conflict mine');
    await setEditorText(page, mine);
    await expect(page.getByRole('toolbar', { name: 'Package Conflict mine' })).toBeVisible();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const conflictTitle = 'The file changed since you opened it';
    const dialog = await settledDialog(page, conflictTitle);
    await expect(dialog).toContainText('changed on disk at');
    await expect(dialog.getByRole('button', { name: 'Reload' })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Save as…' })).toBeVisible();
    await screenshot(page, 'studio-save-conflict-dialog', test.info());
    expect(readFileSync(file, 'utf8')).toBe(onDisk);

    // Save as: the Save as dialog opens, the file stays.
    await dialog.getByRole('button', { name: 'Save as…' }).click();
    const saveAs = await settledDialog(page, 'Save package as');
    await saveAs.getByRole('button', { name: 'Cancel' }).click();
    await expect(saveAs).toBeHidden();

    // Overwrite asks first; cancelling that question writes nothing.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await settledDialog(page, conflictTitle);
    await dialog.getByRole('button', { name: 'Overwrite' }).click();
    const confirm = await settledDialog(page, 'Overwrite the file?');
    await screenshot(page, 'studio-save-conflict-overwrite-confirm', test.info());
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    expect(readFileSync(file, 'utf8')).toBe(onDisk);
    await dialog.getByRole('button', { name: 'Overwrite' }).click();
    await (await settledDialog(page, 'Overwrite the file?')).getByRole('button', { name: 'Overwrite' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => readFileSync(file, 'utf8')).toBe(mine);
    await expect(notice).toBeHidden();

    // Changed again on disk, then Reload: the tab shows the file's text, the edit is gone.
    const again = mine.replace('name: Conflict mine', 'name: Conflict disk');
    writeFileSync(file, again);
    await expect(notice).toBeVisible({ timeout: 15_000 });
    await setEditorText(page, mine.replace('name: Conflict mine', 'name: Conflict lost'));
    await expect(page.getByRole('toolbar', { name: 'Package Conflict lost' })).toBeVisible();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await (await settledDialog(page, conflictTitle)).getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByRole('toolbar', { name: 'Package Conflict disk' })).toBeVisible();
    await expect.poll(() => editorText(page)).toBe(again);
    await expect(notice).toBeHidden();
    expect(readFileSync(file, 'utf8')).toBe(again);
    await screenshot(page, 'studio-save-conflict-reloaded', test.info());
  });

  test('names the other designer who saved the file since', async ({ page, login, api, server }) => {
    const file = storageFile(server, 'demo/two-designers.pkg.yaml');
    writeFileSync(file, HELLO_YAML.replace('name: Hello', 'name: Two'));
    const other = await createStudioUser(api);
    const otherApi = await api.as(other.name, other.password);
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/two-designers.pkg.yaml', 'Two');

    // The other designer opens and saves the same file through Flowport.
    const sid = (await otherApi.post<{ id: string }>('/api/sessions')).id;
    const pkg = await otherApi.post<{ id: string; fileVersion: string }>(`/api/sessions/${sid}/packages`, {
      path: 'demo/two-designers.pkg.yaml',
    });
    await otherApi.put(`/api/sessions/${sid}/packages/${pkg.id}/source`, {
      yaml: HELLO_YAML.replace('name: Hello', 'name: Two by other'),
    });
    await otherApi.post(`/api/sessions/${sid}/packages/${pkg.id}/save`, { baseVersion: pkg.fileVersion });

    const notice = page.getByTestId('file-changed-notice');
    await expect(notice).toContainText(`${other.name} saved this package’s file at`);
    await setEditorText(page, HELLO_YAML.replace('name: Hello', 'name: Two by me'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'The file changed since you opened it' });
    await expect(dialog).toContainText(`${other.name} saved this package’s file at`);
    await screenshot(page, 'studio-save-conflict-other-designer', test.info());
    expect(readFileSync(file, 'utf8')).toContain('name: Two by other');
  });

  test('Created stays the same after two saves', async ({ page, login, api, server }) => {
    const file = storageFile(server, 'demo/created.pkg.yaml');
    writeFileSync(file, HELLO_YAML.replace('name: Hello', 'name: Created'));
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/created.pkg.yaml', 'Created');
    const created = page.getByTestId('package-created');
    const saved = page.getByTestId('package-saved');
    const createdAt = await created.getAttribute('title');
    expect(createdAt).toBeTruthy();
    for (const name of ['Created one', 'Created two']) {
      const before = await saved.getAttribute('title');
      await page.waitForTimeout(1100);
      await setEditorText(page, HELLO_YAML.replace('name: Hello', `name: ${name}`));
      await expect(page.getByRole('toolbar', { name: `Package ${name}` })).toBeVisible();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page.getByText('Saved to demo/created.pkg.yaml').last()).toBeVisible();
      await expect(saved).not.toHaveAttribute('title', before!);
      await expect(created).toHaveAttribute('title', createdAt!);
    }
    await screenshot(page, 'studio-created-kept', test.info());
  });
});
