// The Studio through a real browser: open a package, run a node and page its rows, stop a long run, edit
// with a validation error at its line, save as, save a draft, read-only viewers, and the administrator's
// close and stop reaching the tab; a closed tab's session leaves the Session Manager.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, REPO_ROOT, test } from './fixtures';
import {
  clickInTree,
  createStudioUser,
  editorText,
  managerSessions,
  nodeRow,
  openPackage,
  openStudio,
  packageTab,
  screenshot,
  sessionIdOf,
  setEditorText,
  settledDialog,
  storageFile,
  storageTree,
  yamlEditor,
} from './studio-helpers';

const HELLO_YAML = readFileSync(path.join(REPO_ROOT, 'examples/storage/demo/hello.pkg.yaml'), 'utf8');

// Tall enough to show a package's nodes, editor and result at once in the screenshots.
test.use({ viewport: { width: 1440, height: 1300 } });

test.describe('Studio', () => {
  // Real executions on a shared machine: give each test room beyond the default minute.
  test.describe.configure({ timeout: 150_000 });

  test('opens a package, runs a node and pages through its rows', async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);

    await openPackage(page, 'credit/scoring.pkg.yaml', 'Credit scoring');
    await expect(nodeRow(page, 'customers')).toContainText('Not run');
    await expect(nodeRow(page, 'scored')).toContainText('published');
    await expect(page.getByLabel('threshold')).toHaveValue('0.5');

    await page.getByRole('button', { name: 'Run customers' }).click();
    const row = nodeRow(page, 'customers');
    await expect(row).toContainText('Done', { timeout: 30_000 });
    await expect(row).toContainText('1,000,000');
    await expect(row.getByRole('cell').nth(4)).toHaveText(/\d+(\.\d)? (ms|s)/);

    const result = page.getByRole('region', { name: 'Result of customers' });
    await expect(result.getByRole('columnheader', { name: /^segment/ })).toBeVisible();
    await expect(result.getByText('1,000,000 rows')).toBeVisible();
    await expect(result.getByRole('row').nth(1).getByRole('cell').first()).toHaveText('1');
    await screenshot(page, 'studio-run-node', test.info());

    await result.getByRole('listitem', { name: '2' }).click();
    await expect(result.getByRole('row').nth(1).getByRole('cell').first()).toHaveText('11');
    // The other nodes were not needed for customers and stay as they were.
    await expect(nodeRow(page, 'scored')).toContainText('Not run');
  });

  test('stops a long run', async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/long-aggregation.pkg.yaml', 'Long aggregation');

    await page.getByRole('button', { name: 'Run all' }).click();
    const status = page.getByRole('status', { name: 'Execution' });
    await expect(status).toContainText('Running', { timeout: 15_000 });
    // `events` runs first; on a loaded 2-core machine it can take a while before `totals` starts.
    await expect(nodeRow(page, 'totals')).toContainText('Running', { timeout: 90_000 });
    await expect(page.getByRole('button', { name: 'Run all' })).toBeDisabled();
    await expect(yamlEditor(page)).toHaveAttribute('aria-readonly', 'true');
    await screenshot(page, 'studio-long-run', test.info());

    const stoppedAt = Date.now();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(nodeRow(page, 'totals')).toContainText('Cancelled', { timeout: 10_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await expect(status).toBeHidden();
    await expect(page.getByRole('button', { name: 'Run all' })).toBeEnabled();
    await expect(yamlEditor(page)).toHaveAttribute('aria-readonly', 'false');
    await screenshot(page, 'studio-stopped', test.info());
  });

  test('shows a validation error at its line while editing', async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');
    await expect.poll(() => editorText(page)).toBe(HELLO_YAML);
    await expect(page.getByRole('status').filter({ hasText: 'No errors' })).toBeVisible();

    const broken = HELLO_YAML.replace('inputs: [names]', 'inputs: [nmes]');
    const line = broken.split('\n').findIndex((l) => l.includes('inputs: [nmes]')) + 1;
    expect(line).toBeGreaterThan(1);
    await setEditorText(page, broken);

    const issues = page.getByRole('region', { name: 'Errors in the package' });
    await expect(issues).toContainText(`Line ${line}:`);
    await expect(issues).toContainText('nmes');
    // The editor marks the line itself.
    const marked = page.locator(`.cm-line[data-issue-line="${line}"]`);
    await expect(marked).toHaveText(/inputs: \[nmes\]/);
    await expect(page.locator('.cm-lintRange-error')).toHaveText('nmes');
    await expect(packageTab(page, 'Hello')).toHaveAccessibleName(/unsaved changes/);
    await expect(page.getByRole('button', { name: 'Run all' })).toBeDisabled();
    await screenshot(page, 'studio-validation-error', test.info());

    await issues.getByRole('button', { name: `Go to line ${line}` }).click();
    await expect(page.locator('.cm-activeLine')).toHaveText(/inputs: \[nmes\]/);

    // Fixing it clears the error; the file on disk was never touched.
    await setEditorText(page, HELLO_YAML);
    await expect(page.getByRole('status').filter({ hasText: 'No errors' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Run all' })).toBeEnabled();
  });

  test('saves a package as a new path', async ({ page, login, api, server }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');

    const edited = HELLO_YAML.replace('name: Hello', 'name: Hello copy');
    await setEditorText(page, edited);
    await expect(page.getByRole('status').filter({ hasText: 'No errors' })).toBeVisible();
    await expect(page.getByRole('toolbar', { name: 'Package Hello copy' })).toBeVisible();

    await page.getByRole('button', { name: 'Save as' }).click();
    const dialog = await settledDialog(page, 'Save package as');
    await expect(dialog.getByLabel('File name')).toHaveValue('hello.pkg.yaml');
    await dialog.getByRole('treeitem', { name: 'lib', exact: true }).click();
    await dialog.getByLabel('File name').fill('hello-copy');
    await expect(dialog).toContainText('lib/hello-copy.pkg.yaml');
    await screenshot(page, 'studio-save-as-dialog', test.info());
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    const toolbar = page.getByRole('toolbar', { name: 'Package Hello copy' });
    await expect(toolbar).toContainText('lib/hello-copy.pkg.yaml');
    await expect(packageTab(page, 'Hello copy')).not.toHaveAccessibleName(/unsaved changes/);
    expect(readFileSync(storageFile(server, 'lib/hello-copy.pkg.yaml'), 'utf8')).toBe(edited);
    // The original stays as it was.
    expect(readFileSync(storageFile(server, 'demo/hello.pkg.yaml'), 'utf8')).toBe(HELLO_YAML);

    await clickInTree(storageTree(page), 'lib');
    await expect(storageTree(page).getByRole('treeitem', { name: 'hello-copy.pkg.yaml' })).toBeVisible();
    await screenshot(page, 'studio-saved-as', test.info());
  });

  test('saves a new draft for the first time', async ({ page, login, api, server }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);

    await page.getByRole('button', { name: 'New draft' }).click();
    const tab = packageTab(page, 'New package');
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    await expect(tab).toHaveAccessibleName(/unsaved changes/);
    const toolbar = page.getByRole('toolbar', { name: 'Package New package' });
    await expect(toolbar).toContainText('Draft, not saved yet');

    const yaml = (await editorText(page)).replace('name: New package', 'name: First draft');
    await setEditorText(page, yaml);
    await expect(page.getByRole('toolbar', { name: 'Package First draft' })).toBeVisible();

    // Run it before saving: a draft runs like any package.
    await page.getByRole('button', { name: 'Run numbers' }).click();
    await expect(nodeRow(page, 'numbers')).toContainText('Done');
    await expect(page.getByRole('region', { name: 'Result of numbers' }).getByText('10 rows')).toBeVisible();

    // Save on a draft asks where to save it.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = await settledDialog(page, 'Save package as');
    await expect(dialog.getByLabel('File name')).toHaveValue('first-draft.pkg.yaml');
    await dialog.getByRole('treeitem', { name: 'demo', exact: true }).click();
    await expect(dialog).toContainText('demo/first-draft.pkg.yaml');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    const saved = page.getByRole('toolbar', { name: 'Package First draft' });
    await expect(saved).toContainText('demo/first-draft.pkg.yaml');
    await expect(saved).toContainText(/saved /);
    await expect(packageTab(page, 'First draft')).not.toHaveAccessibleName(/unsaved changes/);
    expect(existsSync(storageFile(server, 'demo/first-draft.pkg.yaml'))).toBe(true);
    expect(readFileSync(storageFile(server, 'demo/first-draft.pkg.yaml'), 'utf8')).toBe(yaml);
    await screenshot(page, 'studio-draft-saved', test.info());

    // Closing a saved package does not ask; the tree shows the new file.
    await page.getByRole('button', { name: 'Close package' }).click();
    await expect(packageTab(page, 'First draft')).toBeHidden();
    await clickInTree(storageTree(page), 'demo');
    await expect(storageTree(page).getByRole('treeitem', { name: 'first-draft.pkg.yaml' })).toBeVisible();
  });

  test('asks before closing a package with unsaved changes', async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');
    await setEditorText(page, HELLO_YAML + '# a comment\n');
    await expect(packageTab(page, 'Hello')).toHaveAccessibleName(/unsaved changes/);

    await page.getByRole('button', { name: 'Close package' }).click();
    const confirm = await settledDialog(page, 'Close “Hello”?');
    await expect(confirm).toContainText('unsaved changes');
    await screenshot(page, 'studio-close-confirm', test.info());
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(packageTab(page, 'Hello')).toBeVisible();

    await page.getByRole('button', { name: 'Close package' }).click();
    await (await settledDialog(page, 'Close “Hello”?')).getByRole('button', { name: 'Close without saving' }).click();
    await expect(packageTab(page, 'Hello')).toBeHidden();
  });

  test('a report viewer cannot edit', async ({ page, login, api }) => {
    const viewer = await createStudioUser(api, ['view']);
    await openStudio(page, login, viewer);
    await expect(page.getByRole('button', { name: 'New draft' })).toBeDisabled();

    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');
    const toolbar = page.getByRole('toolbar', { name: 'Package Hello' });
    await expect(toolbar).toContainText('Read-only');
    await expect(toolbar.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await expect(toolbar.getByRole('button', { name: 'Save as' })).toBeDisabled();
    const editor = yamlEditor(page);
    await expect(editor).toHaveAttribute('aria-readonly', 'true');
    await expect(editor).toHaveAttribute('contenteditable', 'false');
    await editor.click();
    await page.keyboard.type('oops');
    await expect.poll(() => editorText(page)).toBe(HELLO_YAML);
    await expect(packageTab(page, 'Hello')).not.toHaveAccessibleName(/unsaved changes/);

    // Viewers still run packages and look at results.
    await page.getByRole('button', { name: 'Run greeting' }).click();
    await expect(nodeRow(page, 'greeting')).toContainText('Done');
    await screenshot(page, 'studio-viewer', test.info());

    // The server refuses the viewer's edits too.
    const client = await api.as(viewer.name, viewer.password);
    const session = await client.openSession();
    const pkg = await client.post<{ id: string }>(`/api/sessions/${session.id}/packages`, {
      path: 'demo/hello.pkg.yaml',
    });
    const put = await client.request('PUT', `/api/sessions/${session.id}/packages/${pkg.id}/source`, { yaml: 'x' });
    expect(put.status).toBe(403);
    expect((put.body as { error: { code: string } }).error.code).toBe('PACKAGE_READ_ONLY');
    await client.delete(`/api/sessions/${session.id}`);
  });

  test('speaks Russian', async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    await openStudio(page, login, user);
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Русский' }).click();
    await expect(page.getByRole('heading', { name: 'Студия', level: 1 })).toBeVisible();
    const tree = page.getByRole('tree', { name: 'Файловое хранилище' });
    await clickInTree(tree, 'demo/long-aggregation.pkg.yaml');
    const toolbar = page.getByRole('toolbar', { name: 'Пакет Long aggregation' });
    await expect(toolbar.getByRole('button', { name: 'Выполнить всё' })).toBeEnabled();
    await expect(toolbar.getByRole('button', { name: 'Сохранить как' })).toBeEnabled();
    await expect(nodeRow(page, 'totals', 'Узлы')).toContainText('Не выполнялся');
    await expect(page.getByRole('button', { name: 'Новый черновик' })).toBeEnabled();
    await expect(page.getByLabel('rounds')).toHaveValue('60');
    await screenshot(page, 'studio-russian', test.info());
  });

  test("the administrator's close reaches the tab", async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    const sid = await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');

    await (await api.admin()).post(`/api/manager/sessions/${sid}/close`);
    const dialog = page.getByRole('dialog', { name: 'Your session was closed by an administrator' });
    await expect(dialog).toBeVisible();
    await screenshot(page, 'studio-closed-by-admin', test.info());

    await dialog.getByRole('button', { name: 'Start a new session' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    const next = await sessionIdOf(page);
    expect(next).not.toBe(sid);
    await expect(page.getByRole('tab')).toHaveCount(0);
    const sessions = await managerSessions(api);
    expect(sessions.map((s) => s.id)).toContain(next);
    expect(sessions.map((s) => s.id)).not.toContain(sid);
  });

  test("the administrator's stop reaches the tab", async ({ page, login, api }) => {
    const user = await createStudioUser(api);
    const sid = await openStudio(page, login, user);
    await openPackage(page, 'demo/long-aggregation.pkg.yaml', 'Long aggregation');
    await page.getByRole('button', { name: 'Run all' }).click();
    await expect(page.getByRole('status', { name: 'Execution' })).toBeVisible({ timeout: 15_000 });

    await (await api.admin()).post(`/api/manager/sessions/${sid}/stop`);
    const dialog = page.getByRole('dialog', { name: 'Your execution was stopped by an administrator' });
    await expect(dialog).toBeVisible();
    await expect(page.getByRole('status', { name: 'Execution' })).toBeHidden({ timeout: 10_000 });
    await screenshot(page, 'studio-stopped-by-admin', test.info());

    // The session lives on: the user may go on in it.
    await dialog.getByRole('button', { name: 'Continue in this session' }).click();
    await expect(dialog).toBeHidden();
    expect(await sessionIdOf(page)).toBe(sid);
    await expect(page.getByRole('button', { name: 'Run all' })).toBeEnabled();
  });

  test('the session leaves the Session Manager when the tab is closed', async ({ browser, login, api, baseURL }) => {
    const user = await createStudioUser(api);
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const sid = await openStudio(page, login, user);
    await openPackage(page, 'demo/hello.pkg.yaml', 'Hello');

    const before = (await managerSessions(api)).find((s) => s.id === sid);
    expect(before, 'the Session Manager lists the tab’s session').toBeTruthy();
    expect(before!.name).toBe(`${user.name}:${sid}`);
    expect(before!.packages.map((p) => p.path)).toContain('demo/hello.pkg.yaml');
    await screenshot(page, 'studio-before-tab-close', test.info());

    await page.close();
    await expect
      .poll(async () => (await managerSessions(api)).map((s) => s.id), { timeout: 15_000 })
      .not.toContain(sid);
    await context.close();
  });
});
