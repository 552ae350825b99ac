// Graceful stop of the HTTP side: new requests get a JSON 503, Integrator and batch calls in flight are cancelled and answered.
import type { FastifyInstance } from 'fastify';
import type { CancelSource } from '../core';
import { SERVER_STOPPING, shuttingDown, type InFlightCalls } from '../workspace/call-cancellation';

export class ShutdownGate implements InFlightCalls {
  closing = false;
  private readonly calls = new Set<CancelSource>();
  private emptied: (() => void) | undefined;

  track(controller: CancelSource): () => void {
    if (this.closing) controller.abort(SERVER_STOPPING);
    this.calls.add(controller);
    return () => {
      if (this.calls.delete(controller) && this.calls.size === 0) this.emptied?.();
    };
  }

  /**
   * Refuses what comes from now on, cancels every call in flight (each answers SHUTTING_DOWN: a
   * JSON 503, or the last event of a batch stream) and waits, at most `waitMs`, until they have
   * answered. Returns how many were cancelled and how many had not answered in time.
   */
  async close(waitMs: number): Promise<{ cancelled: number; unanswered: number }> {
    this.closing = true;
    const cancelled = this.calls.size;
    for (const c of [...this.calls]) c.abort(SERVER_STOPPING);
    if (this.calls.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.emptied = resolve;
        timer = setTimeout(resolve, waitMs);
      });
      clearTimeout(timer);
    }
    // A call's end comes just before its answer is written (the handler returns, then Fastify
    // sends): the answers go out before the connections are closed after this.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return { cancelled, unanswered: this.calls.size };
  }
}

/**
 * Refuses every request that arrives while the server stops with SHUTTING_DOWN in the API's error
 * format (Fastify's own 503 has another body: return503OnClosing is off for this).
 */
export function installShutdownGate(app: FastifyInstance, gate: ShutdownGate): void {
  app.addHook('onRequest', (_request, reply, done) => {
    if (!gate.closing) return done();
    void reply.header('connection', 'close');
    done(shuttingDown('it takes no new requests'));
  });
}
