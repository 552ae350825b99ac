// The built pages are served at their paths, with the single-page fallback, and the API keeps JSON 404s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers/test-app';

const webDir = path.resolve(__dirname, '../../web/dist');
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ webDir });
});
afterAll(async () => {
  await t.close();
});

describe.runIf(existsSync(path.join(webDir, 'index.html')))('web pages', () => {
  it('serves the page for /manager, /studio and /login', async () => {
    for (const url of ['/', '/manager', '/studio', '/login']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('answers an unknown API path with JSON, not the page', async () => {
    const res = await t.app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});
