// The Integrator through the real server: answers, roles, cancellation, the pool and the OpenAPI document.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, listen, poolIntact, setParameters, snapshot, waitFor } from './helpers/integration-helpers';
import {
  APPLICANTS,
  GREETING,
  integratorApp,
  SCORED,
  TOTALS,
  USER_PASSWORD as PASSWORD,
  type IntegratorApp,
} from './helpers/integrator-app';
import { errorCode, type LoggedIn, type TestApp } from './helpers/test-app';
import { StudioClient } from './helpers/studio-client';

let t: TestApp;
let admin: LoggedIn;
let bearer: string;
let call: IntegratorApp['call'];

beforeAll(async () => {
  ({ t, admin, bearer, call } = await integratorApp());
});
afterAll(async () => {
  await t?.close();
});

describe('calls', () => {
  it('answers the scoring result with HTTP Basic, with the request id', async () => {
    const res = await call(
      SCORED,
      { inputs: { applicants: APPLICANTS } },
      { authorization: basicAuth('ian', PASSWORD) },
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.requestId).toEqual(expect.any(String));
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(body.node).toBe('scored');
    expect(body.rows).toHaveLength(2);
    expect(body.rows[0]).toMatchObject({
      id: 1,
      income: 52000,
      age: 34,
      segment: expect.any(String),
      score: expect.any(Number),
    });
    // The common package cleans the second applicant: income clamped at 0, age raised to 18.
    expect(body.rows[1]).toMatchObject({ id: 2, income: 0, age: 18, score: 0 });
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual([
      'id',
      'segment',
      'income',
      'age',
      'score',
      'credit_limit',
    ]);
  });

  /** The lines of the call with this request id, once its session's close line is written (lines go in batches). */
  async function linesOf(requestId: string) {
    const file = path.join(t.dataDir, 'logs', 'flowport.log');
    return waitFor("the call's log lines", async () => {
      const found = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes(requestId))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return found.some((l) => l.msg === 'session closed') ? found : undefined;
    });
  }

  it('logs the call at info with its request id: its session opened, the package loaded, and the outcome on the session closed', async () => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/manager/pool/clear', headers: admin.headers })).statusCode,
    ).toBe(200);
    const res = await call(GREETING, { inputs: { names: [{ name: 'logged caller' }] } });
    expect(res.statusCode).toBe(200);
    const lines = await linesOf(res.json().requestId);
    expect(lines.map((l) => l.msg)).toEqual(['session opened', 'package opened', 'session closed']);
    const session = lines[0].session;
    expect(session).toMatch(/^ian:/);
    for (const line of lines) expect(line).toMatchObject({ level: 30, requestId: res.json().requestId, session });
    expect(lines[2]).toMatchObject({
      reason: 'client',
      kind: 'integrator',
      user: 'ian',
      path: 'demo/hello.pkg.yaml',
      node: 'greeting',
      outcome: 'done',
      ms: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({ package: expect.any(String), path: 'demo/hello.pkg.yaml' });

    // The next call is lent the same instance from the pool, open already: no package line at info.
    const warm = await call(GREETING, { inputs: { names: [{ name: 'again' }] } });
    const again = await linesOf(warm.json().requestId);
    expect(again.map((l) => l.msg)).toEqual(['session opened', 'session closed']);
    expect(again[1]).toMatchObject({ outcome: 'done', node: 'greeting', user: 'ian' });
  });

  it('logs a failed call’s outcome on its session’s close line, with the request id', async () => {
    const res = await call(GREETING, { inputs: { names: [{ nom: 'no such column' }] } });
    expect(res.statusCode).toBe(400);
    const { code, details } = res.json().error;
    const lines = await linesOf(details.requestId);
    expect(lines.at(-1)).toMatchObject({ msg: 'session closed', outcome: String(code).toLowerCase(), user: 'ian' });
  });

  it('applies variables and reuses the warm pooled instance', async () => {
    // Warm: the pool holds an idle instance of the package.
    expect((await call(SCORED, { inputs: { applicants: APPLICANTS } })).statusCode).toBe(200);
    const before = (await snapshot(t.app, admin)).pool;
    const one = (await call(SCORED, { inputs: { applicants: APPLICANTS } })).json();
    const two = (await call(SCORED, { variables: { threshold: 1 }, inputs: { applicants: APPLICANTS } })).json();
    expect(two.rows[0].score).toBeCloseTo(one.rows[0].score * 2, 1);
    const after = (await snapshot(t.app, admin)).pool;
    expect(after.hits).toBeGreaterThanOrEqual(before.hits + 2);
    expect(after.items.filter((i) => i.path === 'credit/scoring.pkg.yaml').length).toBeGreaterThanOrEqual(1);
  });

  it('needs the Batch execution or Administration role', async () => {
    expect((await t.app.inject({ method: 'POST', url: SCORED, payload: {} })).statusCode).toBe(401);
    const dana = await call(SCORED, {}, { authorization: basicAuth('dana', PASSWORD) });
    expect(dana.statusCode).toBe(403);
    const asAdmin = await call(
      GREETING,
      { inputs: { names: [{ name: 'Ada' }] } },
      { authorization: basicAuth('admin', 'admin-password-1') },
    );
    expect(asAdmin.json().rows).toEqual([{ name: 'Ada', greeting: 'Hello, Ada!' }]);
  });

  it('gives 404 for an unknown package or node, and for a node that is not published', async () => {
    const pkg = await call('/integrator/v1/credit/nope.pkg.yaml/scored', {});
    expect(pkg.statusCode).toBe(404);
    expect(pkg.json().error).toMatchObject({
      code: 'PACKAGE_NOT_FOUND',
      message: expect.stringContaining('credit/nope.pkg.yaml'),
    });
    const node = await call('/integrator/v1/credit/scoring.pkg.yaml/nope', {});
    expect(node.statusCode).toBe(404);
    expect(node.json().error).toMatchObject({
      code: 'NODE_NOT_FOUND',
      message: expect.stringContaining('published nodes: scored'),
    });
    const priv = await call('/integrator/v1/credit/scoring.pkg.yaml/joined', {});
    expect(priv.statusCode).toBe(404);
    expect(priv.json().error.message).toMatch(/"joined".*private, not published/);
    expect((await call('/integrator/v1/scored', {})).statusCode).toBe(404);
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  });

  it('cancels a call that runs over its timeout with 504, and refuses a bad timeout', async () => {
    const started = Date.now();
    const res = await call(TOTALS, {}, { 'x-flowport-timeout': '1' });
    expect(res.statusCode).toBe(504);
    expect(res.json().error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('1 s') });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errorCode(await call(`${TOTALS}?timeout=-3`, {}))).toBe('BAD_REQUEST');
    await waitFor('the pool to settle', async () => poolIntact(await snapshot(t.app, admin)));
  });

  it('is visible in the Session Manager with its request id while it runs, and stoppable there', async () => {
    const pending = call(TOTALS, {});
    const session = await waitFor('a running integrator session', async () =>
      (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'integrator' && s.running),
    );
    expect(session.requestId).toEqual(expect.any(String));
    expect(session.name).toBe(`ian:${session.id}`);
    expect(session.packages[0]).toMatchObject({ path: 'demo/long-aggregation.pkg.yaml', running: true });
    const stop = await t.app.inject({
      method: 'POST',
      url: `/api/manager/sessions/${session.id}/stop`,
      headers: admin.headers,
    });
    expect(stop.statusCode).toBe(200);
    const res = await pending;
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'EXECUTION_CANCELLED', details: { requestId: session.requestId } });
    // The call and its execution share one controller; the answer still tells a stop on the server apart.
    expect(res.json().error.message).toMatch(/stopped on the server/);
    await waitFor('the session to close', async () => poolIntact(await snapshot(t.app, admin)));
  });
});

describe('over a real connection', () => {
  it('cancels the execution when the caller disconnects; the session goes and the pool stays intact', async () => {
    const base = await listen(t.app);
    const ctl = new AbortController();
    const pending = fetch(`${base}${TOTALS}`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: '{}',
      signal: ctl.signal,
    }).catch((err: Error) => err);
    const session = await waitFor('a running integrator session', async () =>
      (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'integrator' && s.running),
    );
    const abortedAt = Date.now();
    ctl.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(
      'the session to disappear',
      async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.id === session.id),
      10_000,
    );
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    await waitFor('the pool to settle', async () => poolIntact(await snapshot(t.app, admin)));
    const after = await fetch(`${base}${GREETING}`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { names: [{ name: 'Bo' }] } }),
    });
    expect(after.status).toBe(200);
    expect((await after.json()).rows).toEqual([{ name: 'Bo', greeting: 'Hello, Bo!' }]);
  });
});

describe('the pool', () => {
  it('gives concurrent callers their own instances and keeps at most the pool size', async () => {
    await setParameters(t.app, admin, { packagePoolSize: 2 });
    const out = new Set<string>();
    let shared = 0;
    let peak = 0;
    const off = t.app.services.workspace.core.on((e) => {
      if (e.type !== 'pool-changed') return;
      if (e.change === 'checkout') {
        for (const id of e.instanceIds) {
          if (out.has(id)) shared++;
          out.add(id);
        }
        peak = Math.max(peak, out.size);
      } else if (e.change === 'release') {
        out.delete(e.instanceIds[0]!);
      }
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call(SCORED, { inputs: { applicants: [{ id: i + 1, income: 1000 * (i + 1), age: 30 }] } }),
        ),
      );
      for (const [i, res] of results.entries()) {
        expect(res.statusCode).toBe(200);
        expect(res.json().rows[0].id).toBe(i + 1);
      }
      expect(shared).toBe(0);
      expect(peak).toBeGreaterThanOrEqual(2);
      const snap = await snapshot(t.app, admin);
      expect(snap.pool.max).toBe(2);
      expect(snap.pool.items.length).toBeLessThanOrEqual(2);
      expect(poolIntact(snap)).toBe(true);
    } finally {
      off();
      await setParameters(t.app, admin, { packagePoolSize: 10 });
    }
  });

  it('answers with the new version after the package file changes and pools no old instance', async () => {
    const file = path.join(t.dataDir, 'storage/it/echo.pkg.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    const source = (version: string, word: string) =>
      `name: Echo\nversion: ${version}\nnodes:\n  - id: words\n    kind: input\n    columns: { word: string }\n` +
      `  - id: echoed\n    kind: sql\n    access: published\n    inputs: [words]\n    sql: SELECT word, '${word}' AS said FROM words\n`;
    writeFileSync(file, source('1.0.0', 'first'));
    const url = '/integrator/v1/it/echo.pkg.yaml/echoed';
    const payload = { inputs: { words: [{ word: 'w' }] } };
    const pooledEchoes = async () =>
      (await snapshot(t.app, admin)).pool.items.filter((i) => i.path === 'it/echo.pkg.yaml');
    // The storage watcher reports the new file a little later and retires what was pooled until then.
    const pooledVersion = async (version: string) => {
      const said = (await call(url, payload)).json().rows[0].said as string;
      const echoes = await pooledEchoes();
      return echoes.length > 0 && echoes.every((i) => i.version === version) && said;
    };
    expect(await waitFor('a pooled 1.0.0 instance', () => pooledVersion('1.0.0'))).toBe('first');

    writeFileSync(file, source('1.1.0', 'second'));
    // At once, before any watcher event: the checkout sees the file's new version.
    expect((await call(url, payload)).json().rows).toEqual([{ word: 'w', said: 'second' }]);
    expect((await pooledEchoes()).every((i) => i.version === '1.1.0')).toBe(true);
    expect(await waitFor('a pooled 1.1.0 instance', () => pooledVersion('1.1.0'))).toBe('second');
  });

  it('loads pooled packages with poolEngineThreads and Studio ones with engineThreads; the pool is cleared when the first changes', async () => {
    const file = path.join(t.dataDir, 'storage/it/threads.pkg.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      'name: Threads\nversion: 1.0.0\nnodes:\n  - id: threads\n    kind: sql\n    access: published\n' +
        "    sql: SELECT current_setting('threads') AS threads\n",
    );
    const url = '/integrator/v1/it/threads.pkg.yaml/threads';
    const threads = async () => {
      const res = await call(url, {});
      expect(res.statusCode).toBe(200);
      return Number(res.json().rows[0].threads);
    };
    const pooled = async () =>
      (await snapshot(t.app, admin)).pool.items.filter((i) => i.path === 'it/threads.pkg.yaml');
    // A Studio run of the same package: engineThreads (2 by default).
    const studio = await StudioClient.open(t.app, admin);
    const studioThreads = async () => {
      const pkg = await studio.openPackage('it/threads.pkg.yaml');
      await studio.runToEnd(pkg.id, { node: 'threads' });
      const rows = (await studio.request('GET', `/packages/${pkg.id}/nodes/threads/rows`)).json().rows;
      await studio.request('DELETE', `/packages/${pkg.id}`);
      return Number(rows[0].threads);
    };
    expect(await threads()).toBe(1); // the pool's default
    expect(await studioThreads()).toBe(2);
    expect(await pooled()).toHaveLength(1);
    try {
      await setParameters(t.app, admin, { poolEngineThreads: 2 });
      expect(await pooled()).toHaveLength(0);
      expect(await threads()).toBe(2);
      await setParameters(t.app, admin, { poolEngineThreads: 3, engineThreads: 1 });
      expect(await threads()).toBe(3);
      expect(await studioThreads()).toBe(1);
    } finally {
      await setParameters(t.app, admin, { poolEngineThreads: 1, engineThreads: 2 });
    }
    for (const key of ['engineThreads', 'poolEngineThreads']) {
      const refused = await t.app.inject({
        method: 'PUT',
        url: '/api/admin/parameters',
        headers: admin.headers,
        payload: { [key]: 0 },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(key);
    }
  });
});

describe('the OpenAPI document and the documentation page', () => {
  async function document() {
    const res = await t.app.inject({ url: '/integrator/v1/openapi.json', headers: { authorization: bearer } });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('describes every published node and passes a standard OpenAPI validator', async () => {
    expect((await t.app.inject({ url: '/integrator/v1/openapi.json' })).statusCode).toBe(401);
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([SCORED, GREETING, TOTALS]));
    expect(Object.keys(doc.paths)).not.toContain('/integrator/v1/credit/scoring.pkg.yaml/joined');
    const body = doc.paths[SCORED].post.requestBody.content['application/json'].schema;
    expect(body.properties.inputs.properties.applicants.items).toEqual({
      type: 'object',
      properties: {
        id: { type: ['integer', 'null'] },
        income: { type: ['number', 'null'] },
        age: { type: ['integer', 'null'] },
      },
      additionalProperties: false,
    });
    expect(body.properties.variables.properties.threshold).toEqual({ type: 'number', default: 0.5 });
    const greeting = doc.paths[GREETING].post.requestBody.content['application/json'].schema;
    expect(greeting.properties.inputs.properties.names.items.properties).toEqual({
      name: { type: ['string', 'null'] },
    });
    // Result columns learned from the calls above.
    const rows = doc.paths[SCORED].post.responses['200'].content['application/json'].schema.properties.rows.items;
    expect(Object.keys(rows.properties)).toEqual(['id', 'segment', 'income', 'age', 'score', 'credit_limit']);
  });

  it('is refreshed when a package changes', async () => {
    const file = path.join(t.dataDir, 'storage/it/added.pkg.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      'name: Added\nnodes:\n  - id: answer\n    kind: sql\n    access: published\n    sql: SELECT 42 AS answer\n',
    );
    const doc = await document();
    expect(doc.paths['/integrator/v1/it/added.pkg.yaml/answer']).toBeDefined();
    await SwaggerParser.validate(structuredClone(doc));
    writeFileSync(
      file,
      'name: Added\nnodes:\n  - id: answer2\n    kind: sql\n    access: published\n    sql: SELECT 43 AS answer\n',
    );
    const next = await document();
    expect(next.paths['/integrator/v1/it/added.pkg.yaml/answer']).toBeUndefined();
    expect(next.paths['/integrator/v1/it/added.pkg.yaml/answer2']).toBeDefined();
  });

  it('serves its documentation page (Swagger UI) from the server itself, opening on its document', async () => {
    const res = await t.app.inject({ url: '/integrator/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from elsewhere
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(2);
    for (const src of scripts) {
      const file = await t.app.inject({ url: new URL(src, 'http://x/integrator/docs/').pathname });
      expect(file.statusCode, src).toBe(200);
    }
    const init = await t.app.inject({ url: '/integrator/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('"urls.primaryName":"Flowport Integrator"');
    expect(init.body).toContain('"url":"/integrator/v1/openapi.json"');
    // The credentials box: HTTP Basic or a bearer token on every call the page makes.
    const box = await t.app.inject({ url: '/integrator/docs/static/theme/credentials-box.js' });
    expect(box.statusCode).toBe(200);
    expect(box.body).toContain('window.flowportRequest');
    expect(init.body).toContain('flowportRequest');
  });
});
