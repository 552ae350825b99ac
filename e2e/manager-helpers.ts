// Helpers of the Session Manager tests: Studio sessions of a second user kept alive by their event WebSocket,
// package runs, polling the server until a condition holds, and locators of the manager's tree table.
import { expect, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import type { ManagerSnapshot, PackageDto, Role, SessionEvent } from '@flowport/protocol';
import { ADMIN_USER, ApiClient, loginThroughPage, type ApiHelper } from './fixtures';

/** An API client whose cookie can also open WebSockets (a browser tab of another user). */
export class SessionUser extends ApiClient {
  name = '';

  cookieHeader(): string {
    return [...this['cookies']].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function userWithRoles(
  api: ApiHelper,
  baseURL: string,
  prefix: string,
  roles: Role[],
): Promise<SessionUser & { password: string }> {
  const created = await api.createUser(prefix, roles);
  const user = await new SessionUser(baseURL).login(created.name, created.password);
  user.name = created.name;
  return Object.assign(user, { password: created.password });
}

export interface LiveSession {
  id: string;
  name: string;
  packages: PackageDto[];
  /** Events the server pushed to this session's socket. */
  events: SessionEvent[];
  /** Resolves when the server closes the socket. */
  closed: Promise<void>;
  /** Ends the session (DELETE) if it still exists and closes the socket. */
  end(): Promise<void>;
}

/** Opens a Studio session as `user`, keeps it alive with its event socket and opens the packages. */
export async function openLiveSession(user: SessionUser, paths: string[] = [], drafts = 0): Promise<LiveSession> {
  const created = await user.post<{ id: string; name: string }>('/api/sessions');
  const url = `${user.baseURL.replace(/^http/, 'ws')}/api/sessions/${created.id}/events`;
  const socket = new WebSocket(url, { headers: { cookie: user.cookieHeader() } });
  const events: SessionEvent[] = [];
  socket.on('message', (data) => {
    try {
      events.push(JSON.parse(String(data)) as SessionEvent);
    } catch {
      // not JSON
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const packages: PackageDto[] = [];
  for (const path of paths)
    packages.push(await user.post<PackageDto>(`/api/sessions/${created.id}/packages`, { path }));
  for (let i = 0; i < drafts; i++) {
    packages.push(await user.post<PackageDto>(`/api/sessions/${created.id}/packages`, { draft: {} }));
  }
  return {
    ...created,
    packages,
    events,
    closed,
    async end() {
      if (socket.readyState === WebSocket.OPEN) {
        await user.request('DELETE', `/api/sessions/${created.id}`);
        socket.close();
      }
    },
  };
}

/** Starts a run of one node (or all) of a package in a session; answers when the server accepted it. */
export async function runNode(user: SessionUser, session: LiveSession, pkg: PackageDto, node?: string) {
  const answer = await user.request('POST', `/api/sessions/${session.id}/packages/${pkg.id}/run`, node ? { node } : {});
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
}

export function getPackage(user: SessionUser, session: LiveSession, pkg: PackageDto) {
  return user.get<PackageDto>(`/api/sessions/${session.id}/packages/${pkg.id}`);
}

export function snapshot(admin: ApiClient, resolveNames = false) {
  return admin.get<ManagerSnapshot>(`/api/manager/snapshot${resolveNames ? '?resolveNames=true' : ''}`);
}

/** Polls `probe` until it answers a truthy value, or fails with `what` after the timeout. */
export async function until<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---------------------------------------------------------------------------------------------
// The page

/** Logs in as the administrator and opens the Session Manager with its live feed running. */
export async function openManager(page: Page, adminPassword: string): Promise<void> {
  await loginThroughPage(page, ADMIN_USER, adminPassword);
  if (!page.url().endsWith('/manager')) await page.goto('/manager');
  await expect(page.getByRole('heading', { name: 'Session Manager', level: 1 })).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
}

export const row = (page: Page, key: string): Locator => page.locator(`.fp-manager [data-row-key="${key}"]`);
export const sessionRow = (page: Page, id: string) => row(page, `s:${id}`);
export const packageRow = (page: Page, id: string) => row(page, `p:${id}`);
export const sharedRow = (page: Page, id: string) => row(page, `sh:${id}`);
export const groupRow = (page: Page, group: 'sessions' | 'shared' | 'pool') => row(page, `g:${group}`);
export const cell = (r: Locator, column: string): Locator => r.locator(`[data-column="${column}"]`);

/** Opens a session row's packages by its "+" (no-op when already open). */
export async function expandSession(page: Page, id: string): Promise<void> {
  const r = sessionRow(page, id);
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.getByRole('button', { name: 'Expand row' }).click();
  await expect(r).toHaveAttribute('aria-expanded', 'true');
}

export async function screenshot(page: Page, name: string, testInfo: { outputPath: (name: string) => string }) {
  await page.screenshot({ animations: 'disabled', path: testInfo.outputPath(`${name}.png`) });
}

/**
 * Opens the right-click menu on `target` and chooses `item`, again until `tookEffect` passes: a
 * live update arriving while the menu opens may redraw it under the click, which then misses (the
 * menu stays open). `tookEffect` should give up within a few seconds while it has not happened.
 */
export async function chooseFromMenu(target: Locator, item: Locator, tookEffect: () => Promise<void>): Promise<void> {
  let chosen = false;
  await expect(async () => {
    if (chosen) {
      try {
        // A choice that took effect late is not made twice (it may be a toggle).
        await tookEffect();
        return;
      } catch {
        // not yet: choose again
      }
    }
    chosen = true;
    if (!(await item.isVisible())) await target.click({ button: 'right' });
    await item.click({ timeout: 3000 });
    await tookEffect();
  }).toPass({ timeout: 20_000 });
}
