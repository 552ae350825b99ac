// The log file's writer: lines gathered in memory and appended by one synchronous write per batch.
import { fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Where a failed write is told: the log cannot report its own failure. */
export type LogFileErrorSink = (err: unknown, file: string) => void;

function toStderr(err: unknown, file: string): void {
  process.stderr.write(`flowport: cannot write the log file ${file}: ${(err as Error)?.message ?? String(err)}\n`);
}

/**
 * pino's own destination (sonic-boom) measures the whole pending batch again on every line it adds
 * (`Buffer.byteLength` of a growing string, flattened each time): 2.3–2.5 µs a line here against
 * 0.65 µs for this writer, and an Integrator call writes four lines. Lines are kept as they come and
 * joined once per batch.
 *
 * The file stays open for the life of the process: lines logged after the server closed (its last
 * words) are written out at exit. Writes are synchronous on purpose: an asynchronous write still in
 * flight when the log is flushed at close or exit would land after the lines flushed behind it, or be
 * lost when the process ends.
 */
export class LogFile {
  private readonly fd: number;
  private parts: string[] = [];
  /** Characters gathered (UTF-16 units: close enough to bytes for deciding when to write). */
  private pending = 0;
  private failing = false;

  constructor(
    readonly file: string,
    /** A batch is written once it holds this many characters. */
    private readonly batchChars: number,
    private readonly onError: LogFileErrorSink = toStderr,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** Called by pino with one whole line (its newline included). */
  write(line: string): boolean {
    this.parts.push(line);
    this.pending += line.length;
    if (this.pending >= this.batchChars) this.flush();
    return true;
  }

  /** Appends what is gathered; `done` (pino's `logger.flush(cb)`) is called afterwards. */
  flush(done?: (err?: Error) => void): void {
    if (this.parts.length) {
      const bytes = Buffer.from(this.parts.length === 1 ? this.parts[0] : this.parts.join(''));
      this.parts = [];
      this.pending = 0;
      try {
        for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at);
        this.failing = false;
      } catch (err) {
        // Told once per run of failures (a full disk fails every batch); the server goes on.
        if (!this.failing) this.onError(err, this.file);
        this.failing = true;
      }
    }
    done?.();
  }

  /** Appends what is gathered and asks the system to put it on disk (close and exit). */
  flushSync(): void {
    this.flush();
    try {
      fsyncSync(this.fd);
    } catch {
      // A file system without fsync (a pipe, some mounts): the lines were written all the same.
    }
  }
}
