// The Administration page through a real browser: login, server parameters, users and roles,
// and the page's refusal to non-administrators.
import { ADMIN_USER, expect, test } from './fixtures';
import { settledDialog } from './studio-helpers';

test.describe('login page', () => {
  test('an administrator logs in and lands on the Session Manager', async ({ page, adminPassword }) => {
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/login\?next=%2Fadmin$/);
    await page.getByLabel('User name').fill(ADMIN_USER);
    await page.getByLabel('Password', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    // `next` wins over the administrator's start page
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { name: 'Administration', level: 1 })).toBeVisible();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('login-next.png') });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel('User name').fill(ADMIN_USER);
    await page.getByLabel('Password', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/manager$/);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Session Manager' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Administration' })).toBeVisible();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('login-admin.png') });
  });

  test('a wrong password shows the server message and stays on the page', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('User name').fill(ADMIN_USER);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Login failed' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(/wrong user name or password/i);
    await expect(page).toHaveURL(/\/login$/);
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('login-wrong-password.png') });
  });

  test('the language switch turns the page Russian and is remembered', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Русский' }).click();
    await expect(page.getByRole('button', { name: 'Войти' })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel('Имя пользователя')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Русский' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('group', { name: 'Язык' })).toBeVisible();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('login-russian.png') });
  });
});

test.describe('Administration page', () => {
  test.beforeEach(async ({ page, login, adminPassword }) => {
    await login(page, ADMIN_USER, adminPassword);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Administration' })
      .click();
    await expect(page).toHaveURL(/\/admin$/);
  });

  test('changes a server parameter and keeps it', async ({ page, api }) => {
    const poolSize = page.getByLabel('Package pool size');
    await expect(poolSize).toHaveValue('10');
    await poolSize.fill('7');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Parameters saved')).toBeVisible();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('parameter-saved.png') });

    await page.reload();
    await expect(page.getByLabel('Package pool size')).toHaveValue('7');
    const params = await (await api.admin()).getParameters();
    expect(params.packagePoolSize).toBe(7);
  });

  test('shows the server field error for an invalid value', async ({ page, api }) => {
    const admin = await api.admin();
    const before = await admin.getParameters();
    const poolSize = page.getByLabel('Package pool size');
    await expect(poolSize).toHaveValue(String(before.packagePoolSize));

    await poolSize.fill('abc');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const item = page.locator('.ant-form-item').filter({ has: page.getByLabel('Package pool size') });
    await expect(item).toContainText(/must be an integer/i);
    await expect(poolSize).toHaveAttribute('aria-invalid', 'true');

    await poolSize.fill('-1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(item).toContainText(/must be between/i);
    await expect(poolSize).toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('parameter-invalid.png') });

    expect((await admin.getParameters()).packagePoolSize).toBe(before.packagePoolSize);
  });

  test('adds a user and changes the roles', async ({ page, api }) => {
    const name = `ann${Date.now().toString(36)}`;
    await page.getByRole('button', { name: 'Add user' }).click();
    const add = await settledDialog(page, 'Add user');
    await add.getByLabel('User name').fill(name);
    await add.getByLabel('Password', { exact: true }).fill('Ann-secret-123');
    await add.getByRole('checkbox', { name: 'Report viewing' }).check();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('user-add-dialog.png') });
    await add.getByRole('button', { name: 'Add' }).click();
    await expect(add).toBeHidden();

    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText('Report viewing');
    await expect(row).toContainText('Active');

    await row.getByRole('button', { name: `Edit roles of ${name}` }).click();
    const roles = await settledDialog(page, `Roles of ${name}`);
    await expect(roles.getByRole('checkbox', { name: 'Report viewing' })).toBeChecked();
    await roles.getByRole('checkbox', { name: 'Workflow design' }).check();
    await roles.getByRole('checkbox', { name: 'Report viewing' }).uncheck();
    await roles.getByRole('button', { name: 'Save' }).click();
    await expect(roles).toBeHidden();
    await expect(row).toContainText('Workflow design');
    await expect(row).not.toContainText('Report viewing');
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('user-roles-changed.png') });

    const users = await (await api.admin()).listUsers();
    expect(users.find((u) => u.name === name)?.roles).toEqual(['design']);
    // the new user can log in with the password given in the dialog
    const ann = await api.as(name, 'Ann-secret-123');
    expect(ann.user?.roles).toEqual(['design']);

    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Workflow design');
  });

  test('blocks, unblocks and removes a user', async ({ page, api }) => {
    const { name, password } = await api.createUser('bob', ['view']);
    await page.getByRole('button', { name: 'Reload' }).last().click();
    const row = page.getByRole('row').filter({ hasText: name });

    await row.getByRole('button', { name: `Block ${name}` }).click();
    await expect(row).toContainText('Blocked');
    const blocked = await api.anonymous().request('POST', '/api/auth/login', { username: name, password });
    expect(blocked.status).toBe(403);

    await row.getByRole('button', { name: `Unblock ${name}` }).click();
    await expect(row).toContainText('Active');
    await api.as(name, password);

    await row.getByRole('button', { name: `Remove ${name}` }).click();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0);
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('user-removed.png') });
    expect((await (await api.admin()).listUsers()).some((u) => u.name === name)).toBe(false);
  });

  test('the administrator cannot block or remove their own account', async ({ page }) => {
    const row = page.getByRole('row').filter({ hasText: ADMIN_USER }).filter({ hasText: 'you' });
    await expect(row.getByRole('button', { name: `Block ${ADMIN_USER}` })).toBeDisabled();
    await expect(row.getByRole('button', { name: `Remove ${ADMIN_USER}` })).toBeDisabled();
    await page.screenshot({ animations: 'disabled', path: test.info().outputPath('own-account.png') });
  });
});

test('a user without the administrator role sees no access', async ({ page, login, api }) => {
  const { name, password } = await api.createUser('dora', ['design']);
  await login(page, name, password);
  await expect(page).toHaveURL(/\/studio$/);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Studio' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Administration' })).toHaveCount(0);

  await page.goto('/admin');
  await expect(page.getByText('No access')).toBeVisible();
  await expect(page.getByLabel('Package pool size')).toHaveCount(0);
  await page.screenshot({ animations: 'disabled', path: test.info().outputPath('no-access.png') });

  // and the API agrees
  const dora = await api.as(name, password);
  expect((await dora.request('GET', '/api/admin/parameters')).status).toBe(403);
});
