// Shows a batch run's events: a live progress bar with the current node on a terminal, one plain line per event otherwise.
import type { BatchEvent } from '@flowport/protocol';

export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type ProgressMode = 'tty' | 'lines' | 'json';

function secs(ms: number): string {
  return ms < 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms < 120_000
      ? `${Math.round(ms / 1000)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `key=value` with the value quoted when it has spaces or quotes. */
function kv(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
}

export class BatchProgress {
  private node = '';
  private percent = 0;
  private startedAt = Date.now();
  private barShown = false;
  private ticker?: ReturnType<typeof setInterval>;

  constructor(
    private readonly out: TextOut,
    private readonly err: TextOut,
    private readonly mode: ProgressMode,
  ) {}

  /** The raw line as received, for --json. */
  raw(line: string): void {
    if (this.mode === 'json') this.out.write(`${line}\n`);
  }

  event(e: BatchEvent): void {
    if (this.mode === 'json') return;
    if (this.mode === 'lines') return this.line(e);
    switch (e.type) {
      case 'started':
        this.startedAt = Date.parse(e.at) || Date.now();
        this.print(
          `Running "${e.name}" ${e.version} (${e.package})${e.node ? `, node ${e.node}` : ', all nodes'} · session ${e.session} · request ${e.requestId}`,
        );
        this.ticker = setInterval(() => this.drawBar(), 500);
        this.ticker.unref();
        break;
      case 'node-started':
        this.node = e.node;
        break;
      case 'progress':
        this.node = e.node;
        this.percent = e.percent;
        break;
      case 'node-finished':
        this.print(`  ✓ ${e.node.padEnd(24)} ${`${count(e.rows)} rows`.padStart(16)}  ${secs(e.durationMs)}`);
        break;
      case 'node-failed':
        this.print(`  ✗ ${e.node}: ${e.error}`);
        break;
      case 'finished':
        this.stopTicker();
        this.clearBar();
        this.summary(e);
        return;
    }
    this.drawBar();
  }

  /** The client was interrupted: the connection is closed, so the server cancels the run. */
  interrupted(signal: string): void {
    this.stopTicker();
    this.clearBar();
    this.err.write(`Interrupted (${signal}): the run is cancelled on the server.\n`);
  }

  /** Stops the bar without a summary (the stream broke). */
  close(): void {
    this.stopTicker();
    this.clearBar();
  }

  private summary(e: Extract<BatchEvent, { type: 'finished' }>): void {
    const took = secs(e.durationMs);
    if (e.outcome === 'done') {
      const rows = e.node !== undefined && e.rows !== undefined ? `: ${e.node} has ${count(e.rows)} rows` : '';
      const reused = e.reused?.length ? ` (${e.reused.length} node${e.reused.length > 1 ? 's' : ''} reused)` : '';
      this.out.write(`Done in ${took}${rows}${reused}.\n`);
    } else {
      const what = e.outcome === 'cancelled' ? 'Cancelled' : 'Failed';
      this.err.write(
        `${what} after ${took}: ${e.error?.message ?? 'no reason given'}${e.error ? ` [${e.error.code}]` : ''}\n`,
      );
    }
  }

  private line(e: BatchEvent): void {
    const at = new Date().toISOString();
    const parts: string[] = [at, e.type];
    switch (e.type) {
      case 'started':
        parts.push(
          kv('package', e.package),
          kv('name', e.name),
          kv('version', e.version),
          kv('node', e.node ?? '(all)'),
          kv('session', e.session),
          kv('request', e.requestId),
        );
        break;
      case 'node-started':
        parts.push(kv('node', e.node));
        break;
      case 'progress':
        parts.push(`${e.percent.toFixed(1)}%`, kv('node', e.node));
        break;
      case 'node-finished':
        parts.push(kv('node', e.node), kv('rows', e.rows), kv('ms', e.durationMs));
        break;
      case 'node-failed':
        parts.push(kv('node', e.node), kv('error', e.error));
        break;
      case 'finished':
        parts.push(kv('outcome', e.outcome));
        if (e.rows !== undefined) parts.push(kv('rows', e.rows));
        parts.push(kv('ms', e.durationMs));
        if (e.error) parts.push(kv('code', e.error.code), kv('error', e.error.message));
        break;
    }
    if (e.type === 'finished' && e.outcome !== 'done') {
      this.err.write(`${parts.join(' ')}\n`);
      this.summary(e);
    } else this.out.write(`${parts.join(' ')}\n`);
  }

  private print(text: string): void {
    this.clearBar();
    this.out.write(`${text}\n`);
  }

  private drawBar(): void {
    if (this.mode !== 'tty') return;
    const width = Math.max(40, Math.min(this.out.columns ?? 80, 120));
    const label = ` ${this.percent.toFixed(0).padStart(3)}%  ${this.node || 'starting'} · ${secs(Date.now() - this.startedAt)}`;
    const barWidth = Math.max(10, Math.min(40, width - label.length - 3));
    const filled = Math.round((Math.min(100, Math.max(0, this.percent)) / 100) * barWidth);
    const text = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${label}`;
    this.out.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
    this.barShown = true;
  }

  private clearBar(): void {
    if (!this.barShown) return;
    this.out.write('\r\x1b[2K');
    this.barShown = false;
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
