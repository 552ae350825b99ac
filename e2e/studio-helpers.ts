// Helpers of the Studio browser tests: users with Studio roles, the page's session, the storage tree,
// the nodes table, the YAML editor and the Session Manager snapshot.
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { Role } from '@flowport/protocol';
import { expect, type ApiHelper, type FlowportServer } from './fixtures';
import { settled } from './manager-support';

export interface StudioUser {
  name: string;
  password: string;
}

/** A new user with the given roles (a workflow designer by default). */
export async function createStudioUser(api: ApiHelper, roles: Role[] = ['design']): Promise<StudioUser> {
  const prefix = roles.includes('design') ? 'designer' : roles.includes('view') ? 'viewer' : 'user';
  const { name, password } = await api.createUser(prefix, roles);
  return { name, password };
}

/** Logs in, opens the Studio and waits until its session is connected; answers the session id. */
export async function openStudio(
  page: Page,
  login: (page: Page, username: string, password: string) => Promise<void>,
  user: StudioUser,
): Promise<string> {
  await login(page, user.name, user.password);
  await page.goto('/studio');
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  return sessionIdOf(page);
}

/** The id of the page's current Studio session. */
export async function sessionIdOf(page: Page): Promise<string> {
  const id = await page.getByTestId('studio-session').getAttribute('data-session-id');
  expect(id, 'the Studio shows its session').toBeTruthy();
  return id!;
}

export function storageTree(page: Page): Locator {
  return page.getByRole('tree', { name: 'File storage' });
}

/** Expands the folders of a storage path in a tree and clicks its last part. */
export async function clickInTree(tree: Locator, storagePath: string): Promise<void> {
  const parts = storagePath.split('/');
  for (const [i, part] of parts.entries()) {
    const item = tree.getByRole('treeitem', { name: part, exact: true });
    if (i < parts.length - 1) {
      if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
      await expect(item).toHaveAttribute('aria-expanded', 'true');
    } else {
      await item.click();
    }
  }
}

/** Opens a package from the storage tree and waits for its tab. */
export async function openPackage(page: Page, storagePath: string, name: string): Promise<void> {
  await clickInTree(storageTree(page), storagePath);
  await expect(packageTab(page, name)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('toolbar', { name: `Package ${name}` })).toBeVisible();
}

export function packageTab(page: Page, name: string): Locator {
  return page.getByRole('tab', { name: new RegExp(`^${escapeRegExp(name)}\\b`) });
}

/** The row of a node in the nodes table of the visible package. */
export function nodeRow(page: Page, node: string, region = 'Nodes'): Locator {
  return page
    .getByRole('region', { name: region })
    .getByRole('row')
    .filter({ has: page.getByText(node, { exact: true }) });
}

/** The YAML editor of the visible package. */
export function yamlEditor(page: Page): Locator {
  return page.getByRole('textbox', { name: /^YAML source of / }).filter({ visible: true });
}

/** Replaces the whole text of the visible package's YAML editor. */
export async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = yamlEditor(page);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await expect.poll(() => editorText(page)).toBe(text);
}

/** The text of the visible package's YAML editor. */
export async function editorText(page: Page): Promise<string> {
  return yamlEditor(page).evaluate((el) =>
    [...el.querySelectorAll('.cm-line')].map((line) => (line as HTMLElement).innerText.replace(/\n$/, '')).join('\n'),
  );
}

/** Where a storage path lives on the server's disk. */
export function storageFile(server: FlowportServer, storagePath: string): string {
  return path.join(server.dataDir, 'storage', ...storagePath.split('/'));
}

interface SnapshotSession {
  id: string;
  name: string;
  user: string;
  packages: { id: string; name: string; path: string | null; running: boolean }[];
}

/** The ids of the sessions in the Session Manager's snapshot (as the administrator). */
export async function managerSessions(api: ApiHelper): Promise<SnapshotSession[]> {
  const snapshot = await (await api.admin()).get<{ sessions: SnapshotSession[] }>('/api/manager/snapshot');
  return snapshot.sessions;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Saves a screenshot of the page once dialogs and messages have finished appearing. */
export async function screenshot(page: Page, name: string, testInfo: { outputPath: (name: string) => string }) {
  await page
    .waitForFunction(
      () => !document.querySelector('[class*="-zoom-appear"], [class*="-zoom-enter"], [class*="-fade-appear"]'),
      undefined,
      {
        timeout: 3_000,
      },
    )
    .catch(() => undefined);
  await page.mouse.move(0, 0); // no hover tooltip over the picture
  await page.screenshot({ animations: 'disabled', path: testInfo.outputPath(`${name}.png`) });
}

/** The dialog named so, once its opening zoom has ended (see `settled`). */
export function settledDialog(page: Page, name: string): Promise<Locator> {
  return settled(page.getByRole('dialog', { name }));
}
