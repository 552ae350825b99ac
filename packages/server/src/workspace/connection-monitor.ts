// Every connection check period, pings Studio clients and closes the sessions whose client is gone.
import type { Logger } from 'pino';
import type { SessionCloser } from '../manager/session-closer';
import type { StudioService } from './studio-service';

export class ConnectionMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly studio: StudioService,
    private readonly closer: SessionCloser,
    private readonly periodSeconds: () => number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Re-reads the period each round, so a changed parameter applies without restart. */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.periodSeconds() * 1000);
    this.timer.unref();
  }

  /** One round: a session is closed when it has had no live client for a whole period. */
  async check(): Promise<number> {
    const periodMs = this.periodSeconds() * 1000;
    const now = this.now();
    let closed = 0;
    for (const [sid, channel] of this.studio.channelsById()) {
      channel.check();
      if (channel.lonelyFor(now) >= periodMs) {
        try {
          await this.closer.close(sid, 'timeout');
          closed++;
          this.log.info({ sessionId: sid }, 'session closed: client gone');
        } catch {
          // Closed meanwhile by its user or an administrator.
        }
      }
    }
    return closed;
  }
}
