// Plain node:http requests for tests that need what fetch hides: a body sent while the answer comes, a reset, the time taken.
import http from 'node:http';

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
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: Omit<RawAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    let status: number | null = null;
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
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
