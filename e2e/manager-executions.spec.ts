// The Session Manager's execution history through a real browser: a stopped execution's row names who stopped it; search.
import { expect, test } from './fixtures';
import { getPackage, openManager, runNode, screenshot, until } from './manager-helpers';
import { HELLO, LONG, designer, pkgOf, trackedSessions, waitUntilRunning } from './manager-support';

const session = trackedSessions();

test.describe('Execution history', () => {
  test.describe.configure({ timeout: 120_000 });

  test('lists finished executions; a stopped one names the administrator; search narrows it', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, [LONG, HELLO]);
    const hello = pkgOf(s, HELLO);
    await runNode(user, s, hello);
    await until('hello to finish', async () => !(await getPackage(user, s, hello)).running);
    const long = pkgOf(s, LONG);
    await runNode(user, s, long);
    await waitUntilRunning(user, s, long);
    await (await api.admin()).post(`/api/manager/packages/${long.id}/stop`);
    await until('the long run to stop', async () => !(await getPackage(user, s, long)).running);

    await openManager(page, adminPassword);
    await page.getByRole('button', { name: /Execution history: latest finished executions/ }).click();
    const table = page.getByRole('table', { name: 'Execution history' });
    const stopped = table.getByRole('row').filter({ hasText: 'Long aggregation' });
    await expect(stopped).toContainText('stopped by admin');
    await expect(stopped).toContainText(user.name);
    await expect(stopped).toContainText('Studio');
    const done = table.getByRole('row').filter({ hasText: 'Hello' });
    await expect(done).toContainText('done');
    await screenshot(page, 'manager-execution-history', test.info());

    const box = page.getByRole('searchbox', { name: 'Search the execution history' });
    await box.fill('Long');
    await box.press('Enter');
    await expect(table.getByRole('row').filter({ hasText: 'Hello' })).toHaveCount(0);
    await expect(stopped).toBeVisible();
  });
});
