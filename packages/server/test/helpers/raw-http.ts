// Plain node:http requests for tests that need what fetch hides: a body sent while the answer comes, a reset, the time taken.
import http from 'node:http';
import { Worker } from 'node:worker_threads';

export interface RawAnswer {
  status: number | null;
  body: string;
  ms: number;
  /** The connection was closed by the server after answering (Connection: close). */
  closed: boolean;
  /** An error of the request (a reset while the body was still being sent, say), if any. */
  error?: string;
}

/** Sends `body` to `url` with `headers`; resolves once the answer is read (or the request failed), never rejects. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: http.Agent },
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: Omit<RawAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    const body = options.body === undefined || Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    let status: number | null = null;
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
      },
      (res) => {
        status = res.statusCode ?? null;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode ?? null,
            body: Buffer.concat(chunks).toString('utf8'),
            closed: res.headers.connection === 'close',
          }),
        );
        const cut = (error?: string) =>
          done({ status, body: Buffer.concat(chunks).toString('utf8'), closed: true, error: error ?? 'closed early' });
        res.on('error', (err) => cut(err.message));
        res.on('close', () => cut());
      },
    );
    // A write error after the answer came is the server closing as it said it would: the answer stands.
    req.on('error', (err) => {
      if (status === null) done({ status, body: '', closed: true, error: (err as NodeJS.ErrnoException).code });
    });
    req.end(body);
  });
}

/** What a client of `postInWorker` sent and what it got, request after request. */
export interface WorkerAnswer {
  status: number | null;
  code?: string;
  closed: boolean;
  ms: number;
  error?: string;
}

/**
 * Runs `clients` clients in a worker thread, each sending `rounds` requests one after another,
 * cycling through `targets`, each with a JSON body of about `bodyBytes`. In a worker so that
 * building and sending the bodies does not load the event loop the server (and its timing) runs on.
 */
export function postInWorker(o: {
  targets: { method: string; url: string }[];
  headers?: Record<string, string>;
  bodyBytes: number;
  clients: number;
  rounds: number;
}): Promise<WorkerAnswer[]> {
  const code = `
    const http = require('node:http');
    const { workerData, parentPort } = require('node:worker_threads');
    const { targets, headers, bodyBytes, clients, rounds } = workerData;
    const body = Buffer.from(JSON.stringify({ inputs: { names: [{ name: 'x'.repeat(bodyBytes - 64) }] } }));
    const send = (t) => new Promise((resolve) => {
      const started = performance.now();
      let status = null;
      let settled = false;
      const done = (a) => { if (!settled) { settled = true; resolve({ ...a, ms: performance.now() - started }); } };
      const req = http.request(t.url, { method: t.method, agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (res) => {
        status = res.statusCode;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let code;
          try { code = JSON.parse(Buffer.concat(chunks).toString()).error.code; } catch {}
          done({ status, code, closed: res.headers.connection === 'close' });
        });
        res.on('close', () => done({ status, closed: true, error: 'closed early' }));
      });
      req.on('error', (err) => { if (status === null) done({ status, closed: true, error: err.code }); });
      req.end(body);
    });
    (async () => {
      const all = await Promise.all(Array.from({ length: clients }, async (_, c) => {
        const answers = [];
        for (let r = 0; r < rounds; r++) answers.push(await send(targets[(c + r) % targets.length]));
        return answers;
      }));
      parentPort.postMessage(all.flat());
    })();
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { ...o, headers: o.headers ?? {} } });
    worker.once('message', (answers: WorkerAnswer[]) => {
      resolve(answers);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Times GET `url` every `everyMs` until `stop` resolves; answers each latency in milliseconds. */
export async function timeRepeatedly(url: string, everyMs: number, stop: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let stopped = false;
  void stop.finally(() => (stopped = true));
  while (!stopped) {
    const a = await rawRequest(url, {});
    if (a.status !== 200) throw new Error(`${url}: ${a.status ?? a.error}`);
    times.push(a.ms);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return times;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
