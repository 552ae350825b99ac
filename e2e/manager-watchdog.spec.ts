// The Session Manager's watchdog in Chromium against a real server with real sessions: a long query's row turning
// amber then red and stopped by the running limit (audited as the server's), an idle Studio session closed by the
// idle timeout with its backup, and the moving bar while DuckDB gives no progress figure.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry, BackupDto } from '@flowport/protocol';
import { expect, test, type ApiHelper } from './fixtures';
import {
  cell,
  expandSession,
  openManager,
  packageRow,
  runNode,
  screenshot,
  sessionRow,
  until,
} from './manager-helpers';
import { LONG, designer, pkgOf, trackedSessions, waitUntilRunning } from './manager-support';
import { storageFile } from './studio-helpers';
import { phasesPackage } from '../packages/server/test/support/phases-package';

const session = trackedSessions();

const setParameters = async (api: ApiHelper, values: Record<string, number>) =>
  (await api.admin()).put('/api/admin/parameters', values);

const OFF = { runningWarnSeconds: 60, runningAlertSeconds: 300, runningLimitSeconds: 0, studioIdleTimeoutSeconds: 0 };

/** A longer `spin` than the server tests': the bar is watched moving. */
const PHASES = phasesPackage({ spinRows: 200_000, spinDepth: 40 });

test.describe('Session Manager watchdog', () => {
  test.describe.configure({ timeout: 150_000 });
  test.afterEach(async ({ api }) => {
    await setParameters(api, OFF);
  });

  test("a long query's row turns amber, then red, and the running limit stops it with the server's audit row", async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    await setParameters(api, { runningWarnSeconds: 3, runningAlertSeconds: 7, runningLimitSeconds: 12 });
    const user = await designer(api, server.baseURL);
    const s = await session(user, [LONG]);
    const pkg = pkgOf(s, LONG);
    await openManager(page, adminPassword);
    await expect(page.getByTestId('watch-legend')).toContainText('stopped by the server after 12 s');

    await runNode(user, s, pkg, 'totals');
    await waitUntilRunning(user, s, pkg);
    const r = sessionRow(page, s.id);
    const marker = r.locator('[data-column="name"] .fp-watch');
    await expect(marker).toHaveAttribute('data-watch', 'warn', { timeout: 10_000 });
    await expect(cell(r, 'activity')).toHaveCSS('background-color', 'rgb(255, 241, 184)');
    await marker.hover();
    await expect(page.getByRole('tooltip').filter({ hasText: 'warning threshold' })).toContainText(
      'Running longer than 3 s',
    );
    await screenshot(page, 'watchdog-amber', test.info());

    await expect(marker).toHaveAttribute('data-watch', 'alert', { timeout: 10_000 });
    await expect(cell(r, 'activity')).toHaveCSS('background-color', 'rgb(255, 204, 199)');
    await expandSession(page, s.id);
    await expect(packageRow(page, pkg.id).locator('.fp-watch')).toHaveAttribute('data-watch', 'alert');
    await screenshot(page, 'watchdog-red', test.info());

    // The limit stops it: the row is no longer running and no longer coloured.
    await expect(r.locator('[data-running="true"]')).toHaveCount(0, { timeout: 20_000 });
    await expect(marker).toHaveCount(0);
    const entry = await until('the audit row of the stop', async () => {
      const { entries } = await (await api.admin()).get<{ entries: AuditEntry[] }>('/api/manager/audit?limit=50');
      return entries.find((e) => e.actor === 'server' && e.action === 'package.stop' && e.target?.includes(pkg.name));
    });
    expect(entry?.details).toMatchObject({ reason: 'running limit 12 s' });
    await page.getByRole('button', { name: /Audit log: latest administrator actions/ }).click();
    const auditRow = page
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .filter({ hasText: 'running limit 12 s' })
      .first();
    await expect(auditRow).toContainText('the server');
    await expect(auditRow).toContainText('Stop package');
    await screenshot(page, 'watchdog-stopped-audit', test.info());
  });

  test('an idle Studio session is closed by the idle timeout, its unsaved work backed up', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const user = await designer(api, server.baseURL);
    const s = await session(user, ['demo/hello.pkg.yaml']);
    const pkg = s.packages[0];
    const source = await user.get<{ yaml: string }>(`/api/sessions/${s.id}/packages/${pkg.id}/source`);
    await user.put(`/api/sessions/${s.id}/packages/${pkg.id}/source`, {
      yaml: source.yaml.replace('name: Hello', 'name: Hello idle'),
    });
    await openManager(page, adminPassword);
    await expect(sessionRow(page, s.id)).toBeVisible();

    await setParameters(api, { studioIdleTimeoutSeconds: 4 });
    await expect(page.getByTestId('watch-legend')).toContainText('idle Studio sessions closed after 4 s');
    await expect(sessionRow(page, s.id)).toHaveCount(0, { timeout: 20_000 });
    await s.closed;
    const closedEvent = s.events.find((e) => e.type === 'session-closed') as
      { type: 'session-closed'; reason: string; by?: string; backups?: string[] } | undefined;
    expect(closedEvent).toMatchObject({ reason: 'timeout', by: 'the server (idle 4 s)' });
    const backups = (await user.get<{ backups: BackupDto[] }>('/api/backups')).backups;
    expect(backups).toContainEqual(expect.objectContaining({ name: 'Hello idle', reason: 'timeout' }));
    expect(closedEvent!.backups).toHaveLength(1);

    await page.getByRole('button', { name: /Audit log: latest administrator actions/ }).click();
    const auditRow = page
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .filter({ hasText: `${user.name}:${s.id}` })
      .first();
    await expect(auditRow).toContainText('the server');
    await expect(auditRow).toContainText('idle 4 s');
    await screenshot(page, 'watchdog-idle-closed', test.info());
  });

  test('a statement without a DuckDB figure shows a moving bar with n/m nodes, never a frozen number', async ({
    page,
    api,
    server,
    adminPassword,
  }) => {
    const file = storageFile(server, 'watch/phases.pkg.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, PHASES);
    const user = await designer(api, server.baseURL);
    const s = await session(user, ['watch/phases.pkg.yaml']);
    const pkg = s.packages[0];
    await openManager(page, adminPassword);
    await runNode(user, s, pkg, 'totals');
    await expandSession(page, s.id);
    const activity = cell(packageRow(page, pkg.id), 'activity');
    const moving = activity.locator('[data-indeterminate="true"]');
    await expect(moving).toBeVisible({ timeout: 20_000 });
    // The run passes through statements with a DuckDB figure too, so the bar may turn determinate at any moment:
    // what it says and that it moves are read together, in the page, while it is the indeterminate one.
    const seen = await page.waitForFunction(
      (rowKey) => {
        const bar = document.querySelector(`[data-row-key="${rowKey}"] [data-indeterminate="true"]`);
        const runner = bar?.querySelector('.fp-progress-runner');
        if (!bar || !runner) return null;
        return {
          text: bar.getAttribute('aria-valuetext'),
          content: bar.textContent ?? '',
          animation: getComputedStyle(runner).animationName,
        };
      },
      `p:${pkg.id}`,
      { timeout: 20_000, polling: 'raf' },
    );
    const bar = (await seen.jsonValue())!;
    expect(bar.text).toMatch(/^\d+\/3 nodes$/);
    expect(bar.animation).toBe('fp-progress-run');
    expect(bar.content).not.toContain('%');
    await screenshot(page, 'progress-indeterminate', test.info());
  });
});
