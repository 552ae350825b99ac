// Parses package texts on reused worker threads, so a large package never holds the server's event loop.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isErrorCode } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import { MAX_PACKAGE_BYTES, parsePackage, type ParseResult } from './package-parser';
import { unpackParse, type PackedParse, type ParseReply, type ParseRequest } from './parse-transfer';

/**
 * Texts up to this many characters parse on the calling thread: a few milliseconds, less than the
 * trip to a worker. Parsing costs about a microsecond per character, so a 4 MB package held the
 * event loop for seconds.
 */
export const INLINE_PARSE_CHARS = 16 * 1024;

/** A worker idle this long ends; the next large text starts one again (about 200 ms). */
const IDLE_MS = 30_000;

/** A worker's heap: a 5 MB text takes some 600 MB to parse. A text needing more ends the worker, not the server. */
const WORKER_HEAP_MB = 1536;

interface Job {
  req: ParseRequest;
  resolve(packed: PackedParse): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/** How a worker is started: from the bundle (dist/parse-worker.js) or from the TypeScript sources. */
function startWorker(): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!here.endsWith('.ts')) {
    // scripts/build.mjs bundles the worker beside main.js (the benches beside their .mjs bundles).
    return new Worker(new URL(`./parse-worker${path.extname(new URL(here).pathname)}`, here), { resourceLimits });
  }
  // From the sources (tsx, vitest): the worker registers tsx, then loads its TypeScript entry. A
  // loader flag would not do: a worker's entry module is loaded before `--import` hooks apply.
  const pkg = createRequire(here).resolve('tsx/package.json');
  const tsx = pathToFileURL(path.join(path.dirname(pkg), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./parse-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, execArgv: [], resourceLimits });
}

export class ParsePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(readonly size = Math.max(1, Math.min(2, os.availableParallelism() - 1))) {}

  /** Workers running now (idle ones included). */
  get workers(): number {
    return this.slots.size;
  }

  /**
   * parsePackage's result and errors, computed off the event loop for any text longer than
   * INLINE_PARSE_CHARS; what comes back is rebuilt in short steps, the event loop turning between.
   */
  async parse(text: string, file: string, maxBytes = MAX_PACKAGE_BYTES): Promise<ParseResult> {
    // Small texts, and texts refused for their size without reading them, need no worker.
    if (text.length <= INLINE_PARSE_CHARS || Buffer.byteLength(text, 'utf8') > maxBytes) {
      return parsePackage(text, file, maxBytes);
    }
    const packed = await new Promise<PackedParse>((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, text, file, maxBytes }, resolve, reject });
      this.dispatch();
    });
    return unpackParse(packed);
  }

  /** Ends every worker; parses waiting or under way fail. */
  async close(): Promise<void> {
    const slots = [...this.slots];
    this.slots.clear();
    for (const job of this.queue.splice(0)) job.reject(new DomainError('SHUTTING_DOWN', 'The server is stopping'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => !s.job);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        slot = this.start();
      }
      const job = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      slot.job = job;
      // Held while it works, so a process waiting for nothing but a parse does not exit under it.
      slot.worker.ref();
      slot.worker.postMessage(job.req);
    }
  }

  private start(): Slot {
    const slot: Slot = { worker: startWorker() };
    this.slots.add(slot);
    slot.worker.unref();
    slot.worker.on('message', (reply: ParseReply) => {
      const job = slot.job;
      if (!job || job.req.id !== reply.id) return;
      this.idle(slot);
      if ('result' in reply) job.resolve(reply.result);
      else {
        const { code, message, details } = reply.error;
        job.reject(new DomainError(isErrorCode(code) ? code : 'INTERNAL', message, details));
      }
      this.dispatch();
    });
    // A worker that dies (out of memory, a bug) fails its own parse only; the next one starts afresh.
    slot.worker.on('error', (err: Error & { code?: string }) => this.lost(slot, err));
    slot.worker.on('exit', (code) => this.lost(slot, new Error(`the parse worker exited with code ${code}`)));
    return slot;
  }

  private idle(slot: Slot): void {
    slot.job = undefined;
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      if (slot.job || !this.slots.delete(slot)) return;
      void slot.worker.terminate();
    }, IDLE_MS);
    slot.idleTimer.unref();
  }

  private lost(slot: Slot, err: Error & { code?: string }): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate();
    if (job) {
      job.reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new DomainError(
              'PACKAGE_TOO_LARGE',
              `Package ${job.req.file} needs more memory to parse than the server gives a parse (${WORKER_HEAP_MB} MB); make it smaller or split it into packages that reference each other.`,
              { file: job.req.file, limitMb: WORKER_HEAP_MB },
            )
          : new DomainError('INTERNAL', `Parsing package ${job.req.file} failed: ${err.message}`),
      );
    }
    this.dispatch();
  }
}

/** The server's pool: workers start on the first large text and end when idle, so it needs no closing. */
let shared: ParsePool | undefined;

/** parsePackage, off the event loop for large texts (see ParsePool.parse). */
export function parsePackageOffThread(text: string, file: string, maxBytes?: number): Promise<ParseResult> {
  shared ??= new ParsePool();
  return shared.parse(text, file, maxBytes);
}
