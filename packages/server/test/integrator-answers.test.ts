// Integrator answers for a matrix of column types, batch sizes and bad values, compared with answers recorded before the data path changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratorApp, type IntegratorApp } from './helpers/integrator-app';
import type { TestApp } from './helpers/test-app';
import { ANSWER_CASES, TYPES_PACKAGE, TYPES_PATH, type AnswerCase } from './helpers/answer-cases';

/** Recorded by FLOWPORT_RECORD_ANSWERS=1 on the code before the columnar data path; compared since. */
const GOLDEN = path.join(import.meta.dirname, 'golden', 'integrator-answers.json');
const RECORD = process.env.FLOWPORT_RECORD_ANSWERS === '1';
/** Answers longer than this are kept as their length, sha256 and first and last characters. */
const KEEP_WHOLE = 20_000;

interface Recorded {
  status: number;
  contentType: string;
  body?: string;
  length?: number;
  sha256?: string;
  start?: string;
  end?: string;
}

let t: TestApp;
let call: IntegratorApp['call'];
let bearer: string;

beforeAll(async () => {
  ({ t, call, bearer } = await integratorApp());
  const file = path.join(t.dataDir, 'storage', TYPES_PATH);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, TYPES_PACKAGE);
});
afterAll(async () => {
  await t?.close();
});

/** The answer with its request id (new on every call) written as a placeholder. */
async function answer(c: AnswerCase): Promise<Recorded> {
  const res =
    typeof c.body === 'string'
      ? await t.app.inject({
          method: 'POST',
          url: c.url,
          payload: c.body,
          headers: { authorization: bearer, 'content-type': 'application/json' },
        })
      : await call(c.url, c.body as object);
  const body = res.body.replace(/"requestId":"[0-9a-f-]{36}"/, '"requestId":"<id>"');
  const contentType = String(res.headers['content-type']);
  if (body.length <= KEEP_WHOLE) return { status: res.statusCode, contentType, body };
  return {
    status: res.statusCode,
    contentType,
    length: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    start: body.slice(0, 2000),
    end: body.slice(-2000),
  };
}

describe('answers recorded before the columnar data path', () => {
  it('has a recording for every case', () => {
    if (RECORD) return;
    expect(existsSync(GOLDEN)).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Recorded>;
    expect(Object.keys(golden).sort()).toEqual(ANSWER_CASES.map((c) => c.name).sort());
  });

  it('answers every case as it was recorded, byte for byte', async () => {
    const got: Record<string, Recorded> = {};
    for (const c of ANSWER_CASES) got[c.name] = await answer(c);
    if (RECORD) {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
      return;
    }
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Recorded>;
    for (const c of ANSWER_CASES) expect({ case: c.name, ...got[c.name] }).toEqual({ case: c.name, ...golden[c.name] });
  });
});
