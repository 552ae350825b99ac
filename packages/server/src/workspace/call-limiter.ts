// Admission of Integrator calls: at most N run at once, the rest wait in arrival order (abortable).
import { DomainError } from '../shared/domain-error';

export interface CallSlot {
  /** Frees the slot for the next waiting call; later calls do nothing. */
  release(): void;
}

/**
 * A FIFO semaphore whose size is read at each admission, so a changed server parameter applies at
 * once. Calls beyond the size wait; a waiting call whose signal aborts leaves the queue.
 */
export class CallLimiter {
  private running = 0;
  private readonly waiting: { admit: () => void }[] = [];

  constructor(
    private readonly size: () => number,
    /** Waiting calls beyond this are refused at once (RATE_LIMITED). */
    private readonly maxWaiting = 10_000,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A slot at once when one is free and nobody waits (no promise, no listener), else undefined. */
  tryAcquire(): CallSlot | undefined {
    this.admitNext(); // the size may have grown since the last release
    if (this.running >= Math.max(1, this.size()) || this.waiting.length > 0) return undefined;
    this.running++;
    return this.slot();
  }

  acquire(signal?: AbortSignal): Promise<CallSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(
        new DomainError(
          'RATE_LIMITED',
          `Too many Integrator calls are waiting (${this.waiting.length}); try again later`,
        ),
      );
    }
    return new Promise<CallSlot>((resolve, reject) => {
      const entry = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          resolve(this.slot());
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private slot(): CallSlot {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        this.admitNext();
      },
    };
  }

  private admitNext(): void {
    while (this.waiting.length > 0 && this.running < Math.max(1, this.size())) this.waiting.shift()!.admit();
  }
}
