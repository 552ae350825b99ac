// The Session Manager's server panel in Chromium against a real server: its sparklines move while a bounded
// Integrator load runs, the panel stays open after a reload, and the pool rows name their instance.
import { expect, test } from './fixtures';
import { openManager, row, screenshot, snapshot, userWithRoles } from './manager-helpers';
import { HELLO } from './manager-support';

test.describe('Session Manager server panel', () => {
  test.describe.configure({ timeout: 150_000 });

  test('sparklines of the last minutes move while Integrator calls run; remembered open', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const batch = await userWithRoles(api, server.baseURL, 'batch', ['batch']);
    const auth = `Basic ${Buffer.from(`${batch.name}:${batch.password}`).toString('base64')}`;
    const call = async () => {
      const answer = await fetch(`${server.baseURL}/integrator/v1/${HELLO}/greeting`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ inputs: { names: [{ name: 'Ann' }] } }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
    };
    await call();

    await openManager(page, adminPassword);
    const panel = page.getByTestId('server-panel');
    await panel.getByRole('button', { name: /Server: the last 15 minutes/ }).click();
    const chart = (metric: string) => panel.locator(`[data-metric="${metric}"] .fp-sparkline`);
    // The server samples every 5 s: the history comes first, then each live sample adds a point.
    await expect(chart('rss')).toHaveAttribute('data-points', /^[1-9]\d*$/, { timeout: 15_000 });
    const points = Number(await chart('rss').getAttribute('data-points'));
    for (const metric of ['cpu', 'rss', 'heap', 'duckdb', 'loop', 'running', 'integrator', 'p95']) {
      await expect(chart(metric).locator('canvas')).toBeVisible();
    }

    // A bounded Integrator load: 60 calls, a few at a time, over more than one sampling interval.
    const started = Date.now();
    let calls = 0;
    while (calls < 60 || Date.now() - started < 11_000) {
      await Promise.all([call(), call(), call()]);
      calls += 3;
      if (calls >= 300) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    await expect
      .poll(async () => Number(await chart('rss').getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThan(points + 1);
    await expect
      .poll(async () => Number((await chart('integrator').getAttribute('data-last')) ?? 0), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect(panel.locator('[data-metric="integrator"] .fp-server-value')).not.toHaveText('0.0');
    await expect(panel.locator('[data-metric="duckdb"] .fp-server-value')).toContainText(' / ');
    await screenshot(page, 'server-panel-load', test.info());

    // Pooled instances are told apart by their instance id.
    const snap = await snapshot(await api.admin());
    const item = snap.pool.items[0];
    expect(item.instanceId).toMatch(/^[0-9a-z]{4,12}$/);
    await expect(row(page, `pl:${item.id}`).locator('.fp-pool-instance')).toHaveText(`#${item.instanceId}`);

    await page.reload();
    await expect(panel.locator('[data-metric="rss"] .fp-sparkline')).toBeVisible();
  });
});
