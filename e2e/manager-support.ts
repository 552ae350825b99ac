// Shared pieces of the Session Manager browser tests: packages, tracked Studio sessions, table locators.
import type { Locator, Page } from '@playwright/test';
import type { PackageDto } from '@flowport/protocol';
import { expect, test, type ApiHelper } from './fixtures';
import {
  getPackage,
  openLiveSession,
  until,
  userWithRoles,
  type LiveSession,
  type SessionUser,
} from './manager-helpers';

export const LONG = 'demo/long-aggregation.pkg.yaml';
export const SCORING = 'credit/scoring.pkg.yaml';
export const HELLO = 'demo/hello.pkg.yaml';
export const GREEN = 'rgb(56, 158, 13)';

/**
 * Opens Studio sessions that are ended after each test of the calling file, so each test sees only its
 * own. Call once at the top of a test file.
 */
export function trackedSessions(): (user: SessionUser, paths?: string[], drafts?: number) => Promise<LiveSession> {
  let opened: LiveSession[] = [];
  test.beforeEach(() => {
    opened = [];
  });
  test.afterEach(async () => {
    await Promise.all(opened.map((s) => s.end().catch(() => undefined)));
  });
  return async (user, paths = [], drafts = 0) => {
    const s = await openLiveSession(user, paths, drafts);
    opened.push(s);
    return s;
  };
}

export const designer = (api: ApiHelper, baseURL: string, prefix = 'designer') =>
  userWithRoles(api, baseURL, prefix, ['design']);

export const pkgOf = (s: LiveSession, path: string): PackageDto => {
  const p = s.packages.find((x) => x.path === path);
  if (!p) throw new Error(`${path} is not open in ${s.name}`);
  return p;
};

/** The header cell whose title is exactly `title`. */
export const header = (page: Page, title: string): Locator =>
  page
    .locator('.fp-manager .ant-table-thead th')
    .filter({ has: page.locator('.ant-table-column-title', { hasText: new RegExp(`^${title}$`) }) });

export const dialog = (page: Page, name: string) => page.getByRole('dialog', { name });

/**
 * A dialog once it is shown and its opening zoom has ended. antd holds a dialog still at its small start
 * size for a frame or two before zooming it in: a click aimed then lands on a button that has moved by
 * the time the mouse comes up, and no click happens (seen in CI on a loaded machine).
 */
export async function settled(d: Locator): Promise<Locator> {
  await expect(d).toBeVisible();
  await expect(d).not.toHaveClass(/ant-zoom/);
  return d;
}

export async function waitUntilRunning(user: SessionUser, s: LiveSession, pkg: PackageDto) {
  await until(`${pkg.name} to run`, async () => (await getPackage(user, s, pkg)).running);
}

/** Sets a checkbox in a dropdown that may still be animating in: a click during the animation can miss. */
export async function setChecked(box: Locator, checked: boolean): Promise<void> {
  await expect(async () => {
    await box.setChecked(checked, { timeout: 2000 });
    await expect(box).toBeChecked({ checked, timeout: 500 });
  }).toPass({ timeout: 15_000 });
}
