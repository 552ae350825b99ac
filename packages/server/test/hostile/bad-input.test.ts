// Hostile input to the real server process: every refusal a 4xx in the API's error format, audited where it is an admin action, the server and other sessions unharmed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../helpers/integration-helpers';
import {
  call,
  loginOver,
  PROCESS_ADMIN_PASSWORD,
  startServer,
  stopServer,
  type HttpLogin,
  type ServerProcess,
} from '../helpers/server-process';

const HELLO =
  'name: Hello\nnodes:\n  - id: greeting\n    kind: sql\n    access: published\n    sql: SELECT 42 AS answer\n';
const long = 'a'.repeat(300);

let dataDir: string;
let server: ServerProcess;
let url: string;
let admin: HttpLogin;
/** A Studio session opened before the hostile input: it must keep its package and go on running it. */
let bystander: { login: HttpLogin; sid: string; pid: string };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowport-bad-input-'));
  mkdirSync(path.join(dataDir, 'storage/demo'), { recursive: true });
  writeFileSync(path.join(dataDir, 'storage/demo/hello.pkg.yaml'), HELLO);
  server = await startServer(dataDir);
  url = server.url;
  admin = await loginOver(url);
  const login = await loginOver(url);
  const sid = (await call(url, login, 'POST', '/api/sessions')).body.id as string;
  const pid = (await call(url, login, 'POST', `/api/sessions/${sid}/packages`, { path: 'demo/hello.pkg.yaml' })).body
    .id as string;
  bystander = { login, sid, pid };
}, 120_000);
afterAll(async () => {
  await stopServer(server, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** A refusal as docs/http-api.md has it: the status, {error: {code, message}}, and the server answering after. */
async function expectRefused(
  answer: { status: number; body: { error?: { code: string; message: string } }; text: string },
  status: number,
  code: string,
) {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
  expect((await call(url, admin, 'GET', '/api/health')).body).toMatchObject({ status: 'ok' });
  return answer.body.error!.message;
}

describe('hostile input', () => {
  it('a 300-character path segment is a 400 PATH_INVALID naming its length and the limit, wherever a path is taken', async () => {
    const { sid, pid } = bystander;
    const studio = bystander.login;
    const basic = { headers: { authorization: basicAuth('admin', PROCESS_ADMIN_PASSWORD) } };
    const refusals = [
      await call(url, admin, 'GET', `/api/storage?path=${long}`),
      await call(url, studio, 'POST', `/api/sessions/${sid}/packages`, { path: `demo/${long}.pkg.yaml` }),
      await call(url, studio, 'POST', `/api/sessions/${sid}/packages/${pid}/save`, { path: `${long}/x.pkg.yaml` }),
      await call(url, basic, 'POST', `/integrator/v1/demo/${long}.pkg.yaml/greeting`, {}),
      await call(url, basic, 'POST', '/api/batch/runs', { package: `${long}/x.pkg.yaml` }),
    ];
    for (const r of refusals) {
      const message = await expectRefused(r, 400, 'PATH_INVALID');
      expect(message).toMatch(/is 30\d bytes long; a file or folder name may have at most 255 bytes/);
    }
    const utf8 = await call(url, admin, 'GET', `/api/storage?path=${encodeURIComponent('中'.repeat(700))}`);
    expect(await expectRefused(utf8, 400, 'PATH_INVALID')).toMatch(/2100 bytes long in UTF-8; the limit is 2048/);
  });

  it('a 100,000-deep body to PUT /api/admin/parameters is a 400 naming the limit, audited as refused, nothing changed', async () => {
    const deep = '{"packagePoolSize":'.repeat(1) + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_001);
    const answer = await call(url, admin, 'PUT', '/api/admin/parameters', deep);
    expect(await expectRefused(answer, 400, 'BAD_REQUEST')).toMatch(
      /more than 64 levels deep \(level 65 opens at line 1, column \d+\)/,
    );
    const [entry] = (await call(url, admin, 'GET', '/api/manager/audit')).body.entries as Record<string, unknown>[];
    expect(entry).toMatchObject({
      actor: 'admin',
      action: 'parameters.update',
      outcome: 'error',
      details: { error: 'BAD_REQUEST' },
    });
    expect((await call(url, admin, 'GET', '/api/admin/parameters')).body.packagePoolSize).toBe(10);
    // A deep array, and deep values inside an Integrator body, are refused the same way.
    await expectRefused(
      await call(url, admin, 'PUT', '/api/admin/parameters', '['.repeat(100_000) + ']'.repeat(100_000)),
      400,
      'BAD_REQUEST',
    );
    const basic = { headers: { authorization: basicAuth('admin', PROCESS_ADMIN_PASSWORD) } };
    const rows = `{"inputs": {"x": [${'['.repeat(70_000)}${']'.repeat(70_000)}]}}`;
    await expectRefused(
      await call(url, basic, 'POST', '/integrator/v1/demo/hello.pkg.yaml/greeting', rows),
      400,
      'BAD_REQUEST',
    );
  });

  it('two drafts nested 100,000 and 20,000 levels deep are packages with an issue, one after the other (they aborted V8)', async () => {
    const { sid } = bystander;
    for (const yaml of ['['.repeat(100_000), `${'- '.repeat(20_000)}x`]) {
      const opened = await call(url, bystander.login, 'POST', `/api/sessions/${sid}/packages`, { draft: { yaml } });
      expect(opened.status).toBe(201);
      expect((opened.body.issues as { message: string; line: number }[])[0]).toMatchObject({
        message: expect.stringMatching(/more than 64 levels deep/),
        line: 1,
      });
      expect((await call(url, admin, 'GET', '/api/health')).status).toBe(200);
    }
  });

  it('a huge or many-keyed parameter body gets a short answer and a short audit entry', async () => {
    const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const many = await call(url, admin, 'PUT', '/api/admin/parameters', keys);
    expect(await expectRefused(many, 400, 'VALIDATION_FAILED')).toMatch(/; and 19990 more$/);
    expect(many.text.length).toBeLessThan(10_000); // ten issues said, whatever the number of keys
    const huge = await call(url, admin, 'PUT', '/api/admin/parameters', { packagePoolSize: 'x'.repeat(1_000_000) });
    expect(await expectRefused(huge, 400, 'VALIDATION_FAILED')).toMatch(/got "x+… \(1000002 characters\)$/);
    expect(huge.text.length).toBeLessThan(1000);
    const [entry] = (await call(url, admin, 'GET', '/api/manager/audit')).body.entries as {
      details: Record<string, unknown>;
    }[];
    expect(entry!.details).toMatchObject({ error: 'VALIDATION_FAILED', truncated: true });
    expect(JSON.stringify(entry).length).toBeLessThan(5000);
  });

  it('odd URLs, types and bodies are 4xx in the error format', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/api/manager/sessions/${'x'.repeat(150)}/stop`, undefined, 414, 'BAD_REQUEST'],
      // Not a GET: with the pages built, the pages' catch-all GET route answers a path the API's routes
      // do not match (404) before the router's length check can, so a GET's status depended on the build.
      ['DELETE', `/api/sessions/${'x'.repeat(150)}/packages/p`, undefined, 414, 'BAD_REQUEST'],
      ['GET', '/api/sessions/%zz/packages/x', undefined, 400, 'BAD_REQUEST'],
      ['PUT', '/api/admin/users/admin', '[1, 2]', 400, 'BAD_REQUEST'],
      ['POST', '/api/admin/users', '"just a string"', 400, 'BAD_REQUEST'],
      ['PUT', '/api/admin/parameters', '{"__proto__": {"x": 1}}', 400, 'BAD_REQUEST'],
      ['PUT', '/api/admin/parameters', '{"logLevel": ', 400, 'BAD_REQUEST'],
      ['POST', `/api/sessions/${bystander.sid}/packages`, { path: ['a'] }, 400, 'BAD_REQUEST'],
      ['POST', '/api/batch/runs', '[]', 400, 'BAD_REQUEST'],
      ['PATCH', '/api/admin/parameters', {}, 404, 'NOT_FOUND'],
    ];
    for (const [method, route, body, status, code] of cases) {
      await expectRefused(await call(url, admin, method, route, body), status, code);
    }
    const basic = basicAuth('admin', PROCESS_ADMIN_PASSWORD);
    for (const timeout of ['0.0000001', '-1', '1e400', 'soon']) {
      const tiny = { headers: { authorization: basic, 'x-flowport-timeout': timeout } };
      const refused = await call(url, tiny, 'POST', '/integrator/v1/demo/hello.pkg.yaml/greeting', {});
      expect(await expectRefused(refused, 400, 'BAD_REQUEST')).toMatch(
        /x-flowport-timeout must be a number of seconds, at least 0.001/,
      );
    }
    const form = await fetch(`${url}/api/sessions/${bystander.sid}/packages`, {
      method: 'POST',
      headers: { ...bystander.login.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'path=demo/hello.pkg.yaml',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers random JSON and random text on every route that takes a body with a 2xx or a 4xx in the error format', async () => {
    const { sid, pid } = bystander;
    const basic = { headers: { authorization: basicAuth('admin', PROCESS_ADMIN_PASSWORD) } };
    // Not the login routes: their refusals count against this client's login limit.
    const routes: [HttpLogin | { headers: Record<string, string> }, string, string][] = [
      [admin, 'PUT', '/api/admin/parameters'],
      [admin, 'POST', '/api/admin/users'],
      [admin, 'PUT', '/api/admin/users/nobody'],
      [bystander.login, 'POST', `/api/sessions/${sid}/packages`],
      [bystander.login, 'POST', `/api/sessions/${sid}/packages/${pid}/save`],
      [bystander.login, 'POST', `/api/sessions/${sid}/packages/${pid}/stop`],
      [basic, 'POST', '/integrator/v1/demo/hello.pkg.yaml/greeting'],
      [basic, 'POST', '/api/batch/runs'],
    ];
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
      fc.constantFrom('{', '[1,', '{"path": null}', '{"variables": []}', '{"inputs": {"x": 5}}', 'null', '""'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([login, method, route], text) => {
        const answer = await call(url, login, method, route, text === '' ? '""' : text);
        expect(answer.status, `${method} ${route} ${text} -> ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 150 },
    );
    expect((await call(url, admin, 'GET', '/api/health')).status).toBe(200);
  });

  it('left the session opened before untouched: its package is open and runs', async () => {
    const { login, sid, pid } = bystander;
    expect((await call(url, login, 'POST', `/api/sessions/${sid}/packages/${pid}/run`, {})).status).toBe(202);
    const until = Date.now() + 30_000;
    for (;;) {
      const dto = (await call(url, login, 'GET', `/api/sessions/${sid}/packages/${pid}`)).body as {
        running: boolean;
        nodes: { id: string; state: string; rows?: number }[];
      };
      if (!dto.running) {
        expect(dto.nodes).toEqual([expect.objectContaining({ id: 'greeting', state: 'done', rows: 1 })]);
        break;
      }
      if (Date.now() > until) throw new Error('the bystander package is still running');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
