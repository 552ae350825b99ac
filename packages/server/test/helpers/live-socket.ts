// A real WebSocket client for tests: records every frame and the close with the time each came, for "closed within" and "nothing after" checks.
import WebSocket from 'ws';

export interface Frame {
  at: number;
  data: { type?: string } & Record<string, unknown>;
}

export interface LiveSocket {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves when the upgrade succeeds; rejects with `HTTP <status>` when it is refused. */
  opened: Promise<void>;
  /** Resolves with the close code and the time it came. */
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Waits for a frame matching `pred` (already received or to come). */
  waitFor(pred: (f: Frame['data']) => boolean, ms?: number): Promise<Frame>;
}

/** Opens `url` (ws://host:port/path) with `headers` and collects its JSON frames. */
export function liveSocket(url: string, headers: Record<string, string> = {}): LiveSocket {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push({ at: Date.now(), data: JSON.parse(String(d)) }));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason), at: Date.now() })),
  );
  const waitFor = async (pred: (f: Frame['data']) => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const f = frames.find((x) => pred(x.data));
      if (f) return f;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(frames.slice(-5).map((f) => f.data))}`);
  };
  return { ws, frames, opened, closed, waitFor };
}

/** The close, or an error after `ms`: a socket that stays open fails the test instead of hanging it. */
export async function closedWithin(s: LiveSocket, ms: number): Promise<{ code: number; reason: string; at: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket is still open after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([s.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}
