// Security headers through a real listening server: the pages, the Integrator's docs page and API answers.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../helpers/integration-helpers';
import { makeTestApp, type TestApp } from '../helpers/test-app';

const webDir = path.resolve(__dirname, '../../../web/dist');
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await makeTestApp({ webDir });
  base = await listen(t.app);
});
afterAll(async () => {
  await t.close();
});

function expectProtected(res: Response): string {
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  return csp;
}

describe('security headers', () => {
  it('are on an API answer, an error answer and a login refusal', async () => {
    for (const [url, status] of [
      ['/api/health', 200],
      ['/api/nope', 404],
      ['/api/auth/me', 401],
    ] as const) {
      const res = await fetch(base + url);
      expect(res.status).toBe(status);
      expect(expectProtected(res)).toContain("script-src 'self'");
    }
  });

  it('are on the documentation pages, which run no inline script', async () => {
    for (const url of ['/api/docs/', '/integrator/docs/']) {
      const res = await fetch(base + url);
      expect(res.status).toBe(200);
      expect(expectProtected(res)).toContain("script-src 'self';");
      const html = await res.text();
      // Every script is a file of the server's, so script-src 'self' allows exactly those.
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    }
  });

  it.runIf(existsSync(path.join(webDir, 'index.html')))('are on the built pages and their scripts', async () => {
    for (const url of ['/login', '/studio', '/manager', '/admin']) {
      const res = await fetch(base + url);
      expect(res.status).toBe(200);
      expect(expectProtected(res)).toContain("style-src 'self' 'unsafe-inline'");
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script the policy would block
      const script = html.match(/<script[^>]*src="([^"]+)"/)![1]!;
      expectProtected(await fetch(base + script));
    }
  });
});
