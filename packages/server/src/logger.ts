// The structured server log: JSON lines to the data directory's log file and, if asked, to stdout.
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { LogFile } from './log-file';
import { isoTimestamp, redactSecrets, useFlatLines } from './log-format';

/** Lines are written in batches of about this many bytes (one system call each), and at least every FLUSH_MS. */
const BATCH_BYTES = 8 * 1024;
const FLUSH_MS = 500;

/** The log file, or standard output through pino's own destination. */
interface Destination {
  write(line: string): boolean;
  flush(): void;
  flushSync(): void;
}

/** Every open destination, written out synchronously when the process exits (lines after close included). */
const live = new Set<Destination>();
let exitHook = false;

function flushNow(d: Destination): void {
  try {
    d.flushSync();
  } catch {
    // Closed already, or a destination that cannot be written now: a later flush or exit retries.
  }
}

export interface ServerLogger {
  logger: Logger;
  /** Writes out what is buffered; called on close so no line is lost. */
  flush(): void;
}

export function createLogger(logDir: string, level: string, toStdout: boolean): ServerLogger {
  // A write per line costs a system call each; under load (every Integrator call logs) batching them
  // is most of the difference, and the timer keeps `tail -f` within half a second. Batches are
  // written synchronously (see LogFile).
  const destinations: Destination[] = [new LogFile(path.join(logDir, 'flowport.log'), BATCH_BYTES)];
  if (toStdout) destinations.push(pino.destination({ dest: 1, minLength: BATCH_BYTES, sync: true }));
  for (const d of destinations) live.add(d);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => live.forEach(flushNow));
  }
  // flush() writes what is buffered without the fsync that flushSync() adds (kept for close and exit).
  const timer = setInterval(() => destinations.forEach((d) => d.flush()), FLUSH_MS);
  timer.unref();
  const logger = pino(
    {
      level,
      base: { service: 'flowport' },
      timestamp: isoTimestamp,
      // Secrets never reach the log, whatever a caller passes (child loggers' bindings: below).
      formatters: { log: redactSecrets, bindings: redactSecrets },
    },
    destinations.length === 1
      ? destinations[0]
      : pino.multistream(destinations.map((stream) => ({ level: 'trace' as const, stream }))),
  );
  useFlatLines(logger);
  // pino formats only the root's bindings; children (and theirs, which inherit this) go through here.
  const child = logger.child as unknown as (
    this: Logger,
    bindings: Record<string, unknown>,
    options?: unknown,
  ) => Logger;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, options?: unknown) {
    return child.call(this, redactSecrets(bindings), options);
  } as unknown as typeof logger.child;
  return {
    logger,
    flush() {
      clearInterval(timer);
      destinations.forEach(flushNow);
    },
  };
}
