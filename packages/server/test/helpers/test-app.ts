// Builds a real app on a fresh temporary data directory and logs users in through the real API.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { build, type BuildOptions } from '../../src/app';
import { defaultConfig, type FlowportConfig } from '../../src/config/config';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  config: FlowportConfig;
  close(): Promise<void>;
}

export async function makeTestApp(
  overrides: Partial<FlowportConfig> = {},
  options: BuildOptions = {},
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-test-')),
): Promise<TestApp> {
  const config: FlowportConfig = {
    ...defaultConfig(),
    dataDir,
    adminPassword: ADMIN_PASSWORD,
    webDir: null,
    seedExamples: false,
    ...overrides,
  };
  const app = await build(config, options);
  await app.ready();
  return {
    app,
    dataDir,
    config,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface LoggedIn {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

export async function login(app: FastifyInstance, username = 'admin', password = ADMIN_PASSWORD): Promise<LoggedIn> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'flowport_session');
  const csrf = res.json().csrfToken as string;
  const headers = { cookie: `flowport_session=${cookie!.value}`, 'x-csrf-token': csrf };
  return { cookie: cookie!.value, csrf, headers };
}

export async function createUser(
  app: FastifyInstance,
  admin: LoggedIn,
  name: string,
  roles: string[],
  password = 'user-password-1',
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/users',
    headers: admin.headers,
    payload: { name, password, roles },
  });
  if (res.statusCode !== 201) throw new Error(`create user ${name}: ${res.statusCode} ${res.body}`);
  return password;
}

export function errorCode(res: LightMyRequestResponse): string | undefined {
  try {
    return res.json().error?.code;
  } catch {
    return undefined;
  }
}
