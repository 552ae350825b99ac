// The whole API's OpenAPI document: a valid 3.1 document, listing every route the server registers, and answering as it says.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, waitFor } from './helpers/integration-helpers';
import { ADMIN_PASSWORD, createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';
import { OpenApiAnswers } from './support/openapi-answers';

let t: TestApp;
let admin: LoggedIn;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
let answers: OpenApiAnswers;
const registered: { method: string; url: string; hidden: boolean; websocket: boolean }[] = [];

beforeAll(async () => {
  const onRoute = (r: RouteOptions) => {
    for (const method of [r.method].flat()) {
      registered.push({
        method,
        url: r.url,
        hidden: (r.schema as { hide?: boolean } | undefined)?.hide === true && !r.websocket,
        websocket: r.websocket === true,
      });
    }
  };
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000, onRoute });
  admin = await login(t.app);
  const res = await t.app.inject({ url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  answers = new OpenApiAnswers(doc);
});
afterAll(async () => {
  await t?.close();
});

/** A call whose answer is checked against the document; returns it for the test's own expectations. */
async function send(
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = admin.headers,
): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({
    method: method as InjectOptions['method'],
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
  });
  answers.check(method, url, res.statusCode, res.headers['content-type'] as string | undefined, res.body);
  return res;
}

const asOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace('*', '{path}');

describe('the document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every route the server registers, and nothing else', () => {
    // HEAD routes are Fastify's own for each GET; hidden routes are the documentation pages' files.
    const served = registered
      .filter((r) => r.method !== 'HEAD' && !r.hidden)
      .map((r) => `${r.method} ${asOpenApiPath(r.url)}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
    expect(served).toContain('GET /api/manager/snapshot');
    expect(served).toContain('GET /api/sessions/{sid}/events');
    // The pages' own files are the only routes left out, and all of them are under the pages' prefixes.
    const hidden = registered.filter((r) => r.hidden).map((r) => r.url);
    expect(hidden.length).toBeGreaterThan(0);
    for (const url of hidden) expect(url).toMatch(/^\/(api|integrator)\/docs(\/|$)/);
  });

  it('documents a body, and the error body, for the routes that take one', () => {
    const users = doc.paths['/api/admin/users']!.post as unknown as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
      responses: Record<string, unknown>;
    };
    expect(Object.keys(users.requestBody.content['application/json']!.schema.properties)).toEqual([
      'name',
      'password',
      'roles',
    ]);
    expect(JSON.stringify(users.responses['400'])).toContain('#/components/schemas/ErrorBody');
  });
});

describe('answers match their documented schemas', () => {
  it('on every operation, through a real session of work', async () => {
    await send('GET', '/api/health');
    await send('GET', '/api/health/ready');
    expect((await send('GET', '/metrics')).statusCode).toBe(200);
    await send('GET', '/api/openapi.json');

    // Logins, and their refusals in the error format.
    expect(
      (await send('POST', '/api/auth/login', { username: 'admin', password: 'wrong-password' }, {})).statusCode,
    ).toBe(401);
    expect((await send('POST', '/api/auth/login', { username: 'admin' }, {})).statusCode).toBe(400);
    expect(
      (await send('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {})).statusCode,
    ).toBe(200);
    const token = await send('POST', '/api/auth/token', { username: 'admin', password: ADMIN_PASSWORD }, {});
    const bearer = { authorization: `Bearer ${token.json().token as string}` };
    await send('GET', '/api/auth/me');
    expect((await send('GET', '/api/auth/me', undefined, {})).statusCode).toBe(401);

    // Administration.
    await send('GET', '/api/admin/parameters');
    expect((await send('PUT', '/api/admin/parameters', { packagePoolSize: 4 })).statusCode).toBe(200);
    expect((await send('PUT', '/api/admin/parameters', { packagePoolSize: 'four' })).statusCode).toBe(400);
    expect(
      (await send('POST', '/api/admin/users', { name: 'olga', password: 'user-password-1', roles: ['view'] }))
        .statusCode,
    ).toBe(201);
    expect(
      (await send('POST', '/api/admin/users', { name: 'olga', password: 'user-password-1', roles: ['view'] }))
        .statusCode,
    ).toBe(409);
    await send('GET', '/api/admin/users');
    expect((await send('PUT', '/api/admin/users/olga', { roles: ['design'], blocked: false })).statusCode).toBe(200);
    expect((await send('PUT', '/api/admin/users/nobody', { blocked: true })).statusCode).toBe(404);
    expect((await send('DELETE', '/api/admin/users/olga')).statusCode).toBe(204);
    await send('GET', '/api/manager/audit?limit=5');

    // A Studio session: storage, open, edit, run, rows, save, close.
    await send('GET', '/api/storage?path=demo');
    const sid = (await send('POST', '/api/sessions')).json().id as string;
    const s = `/api/sessions/${sid}`;
    const pid = (await send('POST', `${s}/packages`, { path: 'demo/hello.pkg.yaml' })).json().id as string;
    expect((await send('POST', `${s}/packages`, { path: 42 })).statusCode).toBe(400);
    await send('GET', `${s}/packages/${pid}`);
    const yaml = (await send('GET', `${s}/packages/${pid}/source`)).json().yaml as string;
    await send('PUT', `${s}/packages/${pid}/source`, { yaml });
    expect((await send('POST', `${s}/packages/${pid}/run`, {})).statusCode).toBe(202);
    await waitFor('the run to end', async () => !(await send('GET', `${s}/packages/${pid}`)).json().running);
    expect((await send('GET', `${s}/packages/${pid}/nodes/greeting/rows?offset=0&limit=5`)).statusCode).toBe(200);
    expect((await send('GET', `${s}/packages/${pid}/nodes/greeting/rows?limit=none`)).statusCode).toBe(400);
    await send('POST', `${s}/packages/${pid}/stop`);
    expect((await send('POST', `${s}/packages/${pid}/save`, { path: 'demo/hello-copy.pkg.yaml' })).statusCode).toBe(
      200,
    );
    expect((await send('GET', `${s}/packages/nope`)).statusCode).toBe(404);

    // The Session Manager: stop a running package and session, close them, clear the pool.
    await send('GET', '/api/manager/snapshot?resolveNames=false');
    const long = (await send('POST', `${s}/packages`, { path: 'demo/long-aggregation.pkg.yaml' })).json().id as string;
    const running = async () => {
      await send('POST', `${s}/packages/${long}/run`, {});
      await waitFor('running', async () => (await send('GET', `${s}/packages/${long}`)).json().running);
    };
    await running();
    expect((await send('POST', `/api/manager/packages/${long}/stop`)).statusCode).toBe(200);
    await waitFor('stopped', async () => !(await send('GET', `${s}/packages/${long}`)).json().running);
    await running();
    expect((await send('POST', `/api/manager/sessions/${sid}/stop`)).statusCode).toBe(200);
    await waitFor('stopped', async () => !(await send('GET', `${s}/packages/${long}`)).json().running);
    expect((await send('POST', `/api/manager/sessions/${sid}/stop`)).statusCode).toBe(409);
    expect((await send('POST', `/api/manager/packages/${long}/close`)).statusCode).toBe(200);
    expect((await send('DELETE', `${s}/packages/${pid}`)).statusCode).toBe(204);
    const other = (await send('POST', '/api/sessions')).json().id as string;
    expect((await send('POST', `/api/manager/sessions/${other}/close`)).statusCode).toBe(200);
    expect((await send('POST', '/api/manager/packages/gone/close')).statusCode).toBe(404);

    // Backups of unsaved work (an administrator's close keeps an edit), and the execution history.
    const third = (await send('POST', '/api/sessions')).json().id as string;
    const t3 = `/api/sessions/${third}/packages`;
    const edited = (await send('POST', t3, { path: 'demo/hello.pkg.yaml' })).json().id as string;
    await send('PUT', `${t3}/${edited}/source`, { yaml: `${yaml}# edited\n` });
    expect((await send('POST', `/api/manager/sessions/${third}/close`)).statusCode).toBe(200);
    const backups = (await send('GET', '/api/backups')).json().backups as { id: string }[];
    expect(backups.length).toBeGreaterThan(0);
    const which = `?id=${encodeURIComponent(backups[0]!.id)}`;
    expect((await send('GET', `/api/backups/source${which}`)).statusCode).toBe(200);
    await send('GET', '/api/admin/backups');
    expect((await send('DELETE', `/api/backups${which}`)).statusCode).toBe(204);
    expect((await send('GET', '/api/backups/source')).statusCode).toBe(400);
    expect((await send('GET', '/api/manager/executions?search=hello&limit=5')).statusCode).toBe(200);
    expect((await send('GET', '/api/manager/stats')).statusCode).toBe(200);

    // The Integrator and the BatchLauncher.
    await createUser(t.app, admin, 'ian', ['batch']);
    const ian = { authorization: basicAuth('ian', 'user-password-1') };
    await send('GET', '/integrator/v1/openapi.json', undefined, ian);
    const greeting = '/integrator/v1/demo/hello.pkg.yaml/greeting';
    expect((await send('POST', greeting, { inputs: { names: [{ name: 'Ada' }] } }, ian)).statusCode).toBe(200);
    expect((await send('POST', greeting, { inputs: [] }, ian)).statusCode).toBe(400);
    expect((await send('POST', greeting, {}, admin.headers.cookie ? {} : ian)).statusCode).toBe(401);
    expect((await send('GET', greeting, undefined, {})).statusCode).toBe(405);
    expect((await send('POST', '/api/batch/runs', { package: 'demo/hello.pkg.yaml' }, bearer)).statusCode).toBe(200);
    expect((await send('POST', '/api/batch/runs', { package: '' }, bearer)).statusCode).toBe(400);
    await send('POST', '/api/manager/pool/clear');
    expect((await send('DELETE', s)).statusCode).toBe(204);
    expect((await send('POST', '/api/auth/logout')).statusCode).toBe(200);

    // The check itself refuses what differs: a missing field, a field the schema does not list, a wrong status.
    const check = (status: number, body: string) => () =>
      answers.check('GET', '/api/health', status, 'application/json', body);
    expect(check(200, '{"status":"ok"}')).toThrow(/version/);
    expect(check(200, '{"status":"ok","version":"1","extra":1}')).toThrow(/additional properties/);
    expect(check(418, '{}')).toThrow(/not documented/);

    // Every operation but the WebSockets (tested with their frames elsewhere) answered with success at least once.
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.responses['101'])
        .map(([m, op]) => ({
          key: `${m.toUpperCase()} ${path}`,
          ok: Object.keys(op.responses).filter((c) => /^2/.test(c)),
        })),
    );
    const unanswered = operations.filter(
      (o) => o.ok.length > 0 && !o.ok.some((status) => answers.checked.has(`${o.key} ${status}`)),
    );
    expect(unanswered.map((o) => o.key)).toEqual([]);
  }, 120_000);
});
