// NDJSON answers (Accept: application/x-ndjson): every row, the same values as the JSON answer, memory flat over a real connection.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, poolIntact, snapshot, waitFor } from './helpers/integration-helpers';
import { startServerProcess } from './helpers/forked-server-process';
import { GREETING, integratorApp, type IntegratorApp } from './helpers/integrator-app';
import type { LoggedIn, TestApp } from './helpers/test-app';

let t: TestApp;
let admin: LoggedIn;
let bearer: string;
let call: IntegratorApp['call'];
const NDJSON = { accept: 'application/x-ndjson' };

const SERIES = '/integrator/v1/it/series.pkg.yaml/series';
const SERIES_PACKAGE = `name: Series
version: 1.0.0
variables:
  n: { type: integer, default: 10 }
nodes:
  - id: series
    kind: sql
    access: published
    sql: SELECT i AS id, 'row ' || i AS label, CAST(i AS DOUBLE) / 4 AS x, i % 3 = 0 AS flag, DATE '2024-01-01' + CAST(i % 1000 AS INTEGER) AS d, CAST(i AS DECIMAL(18, 2)) / 3 AS dec FROM range($n) t(i)
  - id: wide
    kind: sql
    access: published
    sql: SELECT i AS id, 'row ' || i || ' ' || repeat('x', 80) AS label, CAST(i AS DOUBLE) * 1.5 AS x FROM range($n) t(i)
`;
const WIDE = '/integrator/v1/it/series.pkg.yaml/wide';

beforeAll(async () => {
  ({ t, admin, bearer, call } = await integratorApp());
  const file = path.join(t.dataDir, 'storage/it/series.pkg.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, SERIES_PACKAGE);
});
afterAll(async () => {
  await t?.close();
});

/**
 * What streaming may add to the server's RSS. Measured (a client reading as fast as it can): a
 * plateau of 95–115 MB for 1, 2 and 3 million rows alike, 25–30 MB with a client reading slowly.
 * The plateau is garbage awaiting V8's collector: node-api reads each longer string through a
 * buffer of its own, memory outside V8's heap that a collection frees once it passes 64 MB. An
 * answer held whole would add its 128 MB of text, and more as strings. The slack is what twice the
 * rows may add: memory flat in the row count.
 */
const STREAM_RSS_BOUND = 160 * 1024 * 1024;
const STREAM_RSS_SLACK = 32 * 1024 * 1024;

function lines(body: string): unknown[] {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('NDJSON answers', () => {
  it('streams the rows the JSON answer has, with the columns in a header and the count in a trailer', async () => {
    const json = (await call(GREETING, { inputs: { names: [{ name: 'Ada' }, { name: 'Bo' }] } })).json();
    const res = await call(GREETING, { inputs: { names: [{ name: 'Ada' }, { name: 'Bo' }] } }, NDJSON);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(JSON.parse(String(res.headers['x-flowport-columns']))).toEqual(json.columns);
    expect(lines(res.body)).toEqual(json.rows);
    expect(res.trailers['x-flowport-rows']).toBe('2');
  });

  it('streams every row of a result over the row limit, each as the JSON answer writes it', async () => {
    const json = (await call(SERIES, { variables: { n: 25_000 } })).json();
    expect(json).toMatchObject({ total: 25_000, truncated: true });
    expect(json.rows).toHaveLength(10_000);
    const res = await call(SERIES, { variables: { n: 25_000 } }, NDJSON);
    expect(res.statusCode).toBe(200);
    const rows = lines(res.body);
    expect(rows).toHaveLength(25_000);
    expect(rows.slice(0, 10_000)).toEqual(json.rows);
    expect(rows[24_999]).toMatchObject({ id: 24_999, label: 'row 24999', x: 6249.75, flag: true });
    expect(res.trailers['x-flowport-rows']).toBe('25000');
    // Columns DuckDB writes as ours come as DuckDB's text per row; the same rows converted in
    // JavaScript (a DECIMAL column) above: both agree with the JSON answer.
    const plain = await call(WIDE, { variables: { n: 3000 } }, NDJSON);
    const plainJson = (await call(WIDE, { variables: { n: 3000 } })).json();
    expect(lines(plain.body)).toEqual(plainJson.rows);
    expect(plain.body).toBe(plainJson.rows.map((r: unknown) => `${JSON.stringify(r)}\n`).join(''));
  });

  it('is described in the OpenAPI document, which still passes a standard validator', async () => {
    const res = await t.app.inject({ url: '/integrator/v1/openapi.json', headers: { authorization: bearer } });
    const doc = res.json();
    await SwaggerParser.validate(structuredClone(doc));
    const ok = doc.paths[SERIES].post.responses['200'];
    expect(Object.keys(ok.content)).toEqual(['application/json', 'application/x-ndjson']);
    expect(ok.content['application/x-ndjson'].schema.description).toMatch(/one row/);
    expect(ok.description).toMatch(/Accept: application\/x-ndjson/);
    expect(ok.headers['x-flowport-columns']).toBeDefined();
  });

  it('answers an error before any row as an ordinary JSON error', async () => {
    const res = await call(GREETING, { inputs: { names: [{ name: 5 }] } }, NDJSON);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json().error.message).toContain('(at inputs.names[0].name; rows count from 0)');
    const failing = await call(SERIES, { variables: { n: 'many' } }, NDJSON);
    expect(failing.statusCode).toBe(400);
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  });
});

describe('NDJSON over a real connection', () => {
  it('streams 1,000,000 rows within a bound of RSS, and 2,000,000 within the same', async () => {
    const server = await startServerProcess({ 'it/series.pkg.yaml': SERIES_PACKAGE });
    try {
      const stream = (n: number) =>
        fetch(`${server.base}${WIDE}`, {
          method: 'POST',
          headers: { authorization: server.bearer, 'content-type': 'application/json', ...NDJSON },
          body: JSON.stringify({ variables: { n } }),
        });
      // The package's instance (its DuckDB database, some tens of MB) is loaded and pooled first.
      expect(lines(await (await stream(1000)).text())).toHaveLength(1000);
      const before = server.rss();
      /** Streams n rows, reading them as they come and keeping none; the server's RSS peak over `before`. */
      const measure = async (n: number) => {
        let peak = before;
        const sample = () => (peak = Math.max(peak, server.rss()));
        const sampler = setInterval(sample, 5);
        try {
          const res = await stream(n);
          expect(res.status, res.status === 200 ? '' : await res.text()).toBe(200);
          const reader = res.body!.getReader();
          const decoder = new TextDecoder();
          let bytes = 0;
          let newlines = 0;
          let last = '';
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytes += value.length;
            const text = decoder.decode(value, { stream: true });
            for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines++;
            last = `${last}${text}`.slice(-400);
          }
          sample();
          expect(newlines).toBe(n);
          expect(JSON.parse(last.trimEnd().split('\n').at(-1)!)).toEqual({
            id: n - 1,
            label: `row ${n - 1} ${'x'.repeat(80)}`,
            x: (n - 1) * 1.5,
          });
          return { peak: peak - before, bytes };
        } finally {
          clearInterval(sampler);
        }
      };
      const million = await measure(1_000_000);
      const twice = await measure(2_000_000);
      // 128 MB of NDJSON went out for the million rows, 259 MB for two million.
      expect(million.bytes).toBeGreaterThan(120_000_000);
      expect(million.peak).toBeLessThan(STREAM_RSS_BOUND);
      expect(twice.peak).toBeLessThan(million.peak + STREAM_RSS_SLACK);
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('stops the query when the caller goes part way; the session goes and the pool stays intact', async () => {
    const base = await listen(t.app);
    const ctl = new AbortController();
    const res = await fetch(`${base}${WIDE}`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json', ...NDJSON },
      body: JSON.stringify({ variables: { n: 50_000_000 } }),
      signal: ctl.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const session = await waitFor('the streaming session', async () =>
      (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'integrator'),
    );
    const abortedAt = Date.now();
    ctl.abort();
    await waitFor(
      'the session to close',
      async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.id === session.id),
      10_000,
    );
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    await waitFor('the pool to settle', async () => poolIntact(await snapshot(t.app, admin)));
    // The instance is still good for the next caller.
    expect((await call(GREETING, { inputs: { names: [{ name: 'Cy' }] } })).json().rows).toEqual([
      { name: 'Cy', greeting: 'Hello, Cy!' },
    ]);
  });
});
