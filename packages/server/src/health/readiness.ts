// Readiness: runs the checks of the parts the server needs, each within a time limit, and says which failed.
import type { ReadinessCheckResult } from '@flowport/protocol';

export interface ReadinessCheck {
  name: string;
  /** Throws (or rejects) when the part does not answer; the error's message is shown to the caller. */
  check(): void | Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessCheckResult>;
  failing: string[];
  /** The errors themselves, for the log (their messages may name paths). */
  errors: Record<string, unknown>;
}

/** A hung file system (a lost network mount) must not hang the answer: the load balancer asks again. */
const DEFAULT_TIMEOUT_MS = 2000;

export class Readiness {
  constructor(
    private readonly checks: readonly ReadinessCheck[],
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((c) => this.run(c)));
    const report: ReadinessReport = { ready: true, checks: {}, failing: [], errors: {} };
    this.checks.forEach((c, i) => {
      const { result, error } = results[i]!;
      report.checks[c.name] = result;
      if (!result.ok) {
        report.ready = false;
        report.failing.push(c.name);
        report.errors[c.name] = error;
      }
    });
    return report;
  }

  private async run(c: ReadinessCheck): Promise<{ result: ReadinessCheckResult; error?: unknown }> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        (async () => c.check())(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new CheckError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { result: { ok: true, ms: ms() } };
    } catch (error) {
      return { result: { ok: false, ms: ms(), error: publicReason(error) }, error };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An error whose message is meant for the caller as it is. */
export class CheckError extends Error {
  override name = 'CheckError';
}

/** What a caller without a login may read: our own words, or a system error's code (never a path). */
function publicReason(error: unknown): string {
  if (error instanceof CheckError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'failed';
}
