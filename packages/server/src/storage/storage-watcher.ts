// Watches the storage for package files that change or disappear, so the core can retire stale instances.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isPackagePath } from './storage-path';

export interface StorageWatcherEvents {
  /** A package file was created or its content replaced; the path is storage-relative. */
  change: [path: string];
  /** A package file was removed. */
  unlink: [path: string];
  error: [error: Error];
}

export interface StorageWatcherOptions {
  /** Milliseconds a file's size must stay unchanged before it is reported (non-atomic writers). */
  stabilityMs?: number;
  /** Use polling (for file systems without change notification). */
  usePolling?: boolean;
}

export class StorageWatcher extends EventEmitter<StorageWatcherEvents> {
  private watcher?: FSWatcher;
  /** Last reported version of each package, so rescans and duplicate notifications stay silent. */
  private readonly reported = new Map<string, string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly root: string,
    private readonly options: StorageWatcherOptions = {},
  ) {
    super();
  }

  /** Starts watching; resolves when the initial scan is done (existing files are not reported). */
  start(): Promise<void> {
    if (this.watcher) return Promise.resolve();
    const root = this.root;
    const stability = this.options.stabilityMs ?? 50;
    const watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.options.usePolling ?? false,
      interval: 200,
      awaitWriteFinish:
        stability > 0 ? { stabilityThreshold: stability, pollInterval: Math.max(10, stability / 4) } : false,
      ignored: (p: string, stats?: { isFile(): boolean }) => {
        if (p === root) return false;
        if (path.basename(p).startsWith('.')) return true; // temp files of atomic saves
        return Boolean(stats?.isFile()) && !isPackagePath(p);
      },
    });
    this.watcher = watcher;
    watcher.on('add', (p) => void this.changed(p));
    watcher.on('change', (p) => void this.changed(p));
    watcher.on('unlink', (p) => {
      if (!isPackagePath(p)) return;
      this.reported.delete(p);
      this.emit('unlink', this.rel(p));
    });
    // A file saved into a folder created a moment earlier can land before the folder is watched: rescan it.
    watcher.on('addDir', (p) => {
      for (const delay of [50, 300]) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          void this.rescan(p);
        }, delay);
        this.timers.add(t);
      }
    });
    watcher.on('error', (err) => this.emit('error', err instanceof Error ? err : new Error(String(err))));
    return new Promise((resolve) => watcher.once('ready', () => resolve()));
  }

  private rel(p: string): string {
    return path.relative(this.root, p).split(path.sep).join('/');
  }

  private async changed(abs: string): Promise<void> {
    if (!isPackagePath(abs) || path.basename(abs).startsWith('.')) return;
    const st = await fs.stat(abs).catch(() => undefined);
    if (!st?.isFile() || !this.watcher) return;
    const version = `${st.mtimeMs}-${st.size}-${st.ino}`;
    if (this.reported.get(abs) === version) return;
    this.reported.set(abs, version);
    this.emit('change', this.rel(abs));
  }

  private async rescan(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) await this.rescan(abs);
      else if (e.isFile() && isPackagePath(abs) && !this.reported.has(abs)) {
        this.watcher?.add(abs); // chokidar missed it: make it track the file so its removal is reported
        await this.changed(abs);
      }
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const w = this.watcher;
    this.watcher = undefined;
    await w?.close();
  }
}
