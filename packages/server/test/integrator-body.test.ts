// The Integrator's answers to a request body it cannot take: wrong values, not JSON, too large, another method.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolIntact, setParameters, snapshot } from './helpers/integration-helpers';
import { APPLICANTS, GREETING, integratorApp, SCORED, type IntegratorApp } from './helpers/integrator-app';
import { errorCode, type LoggedIn, type TestApp } from './helpers/test-app';

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

describe('request bodies', () => {
  it('gives 400 naming the row and column of a wrong value, and for a bad body', async () => {
    const rows = [...APPLICANTS, { id: 'three', income: 1, age: 40 }];
    const res = await call(SCORED, { inputs: { applicants: rows } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.message).toContain('row 2, column "id"');
    expect(res.json().error.message).toContain('(at inputs.applicants[2].id; rows count from 0)');
    const unknownColumn = await call(SCORED, { inputs: { applicants: [{ id: 1, salary: 3 }] } });
    expect(unknownColumn.json().error.message).toContain('row 0: unknown column "salary"');
    const unknownVar = await call(SCORED, { variables: { thresold: 1 } });
    expect(unknownVar.json().error.message).toContain('no variable "thresold"');
    expect(errorCode(await call(SCORED, { input: {} }))).toBe('BAD_REQUEST');
    expect(errorCode(await call(SCORED, { inputs: [] }))).toBe('BAD_REQUEST');
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  });

  it('says what is wrong with a body that is not JSON, or a method other than POST', async () => {
    const raw = (payload: string, contentType: string) =>
      t.app.inject({
        method: 'POST',
        url: SCORED,
        payload,
        headers: { authorization: bearer, 'content-type': contentType },
      });
    const broken = await raw('{"inputs": ', 'application/json');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not valid JSON .*ends before it is complete.*, at line 1, column 12$/),
      details: { line: 1, column: 12 },
    });
    const comma = await raw('{\n  "inputs": {"names": [{"name": "a"},]}\n}', 'application/json');
    expect(comma.statusCode).toBe(400);
    expect(comma.json().error.message).toMatch(/unexpected "\]", at line 2, column 38$/);
    const proto = await raw('{"inputs": {}, "__proto__": {"x": 1}}', 'application/json');
    expect(proto.statusCode).toBe(400);
    expect(proto.json().error.message).toMatch(/cannot be taken: .*prototype/);
    const empty = await raw('', 'application/json');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/empty/);
    const form = await raw('inputs=1', 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(415);
    expect(form.json().error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/Content-Type: application\/json/),
    });
    const get = await t.app.inject({ method: 'GET', url: SCORED, headers: { authorization: bearer } });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json().error).toMatchObject({
      code: 'METHOD_NOT_ALLOWED',
      message: expect.stringMatching(/POST, not GET/),
    });
    // The document itself is still there.
    expect(
      (await t.app.inject({ url: '/integrator/v1/openapi.json', headers: { authorization: bearer } })).statusCode,
    ).toBe(200);
  });

  it('gives 413 for a body over integratorBodyLimitBytes, declared or streamed', async () => {
    await setParameters(t.app, admin, { integratorBodyLimitBytes: 2048 });
    try {
      const names = Array.from({ length: 200 }, (_, i) => ({ name: `name number ${i}` }));
      const res = await call(GREETING, { inputs: { names } });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      const chunked = await t.app.inject({
        method: 'POST',
        url: GREETING,
        headers: { authorization: bearer, 'content-type': 'application/json' },
        payload: Readable.from([JSON.stringify({ inputs: { names } })]),
      });
      expect(chunked.statusCode).toBe(413);
      expect((await call(GREETING, { inputs: { names: names.slice(0, 3) } })).statusCode).toBe(200);
    } finally {
      await setParameters(t.app, admin, { integratorBodyLimitBytes: 10 * 1024 * 1024 });
    }
    expect(
      (await call(GREETING, { inputs: { names: Array.from({ length: 200 }, () => ({ name: 'x' })) } })).statusCode,
    ).toBe(200);
  });
});
