// Wires the core bookkeeping to the engine, the storage and the live views; owned by the composition root.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { prefixedIds, type Clock } from '../shared/clock';
import { FlowportCore } from '../core';
import { DomainError } from '../shared/domain-error';
import type { AuditEntry } from '@flowport/protocol';
import type { AuditInput } from '../db/audit-log';
import type { PackageFileStore } from './package-files';
import type { ParameterStore } from '../db/parameter-store';
import { CUSTOMERS_PATH, ensureExampleData, type PackageRuntime } from '../engine';
import { FileStorage, removeLeftoverTemps, StorageWatcher, writeCatalogued } from '../storage';
import type { DataPaths } from '../data-dir';
import { ACCESS_ENDED_CLOSE, revocationText, revokes, type AccessRevocation } from './access-revocation';
import { ConnectionMonitor } from './connection-monitor';
import type { EngineHandle } from './engine-handle';
import { EngineLoader } from './engine-loader';
import { ExecutionRunner } from './execution-runner';
import { HostNames } from '../manager/host-names';
import { ManagerFeed } from '../manager/manager-feed';
import { ManagerService } from '../manager/manager-service';
import { SessionCloser, type BackupWriter } from '../manager/session-closer';
import { MemoryAccounting } from './memory-accounting';
import { budgetBytes, duckdbSize, instanceMemory, machineMemory, mb } from './memory-budget';
import { applyDataLimit, ceilingBytes, currentDataLimit } from './memory-ceiling';
import { MemoryStops, type ExecutionHooks } from './memory-stops';
import { MemoryWatchdog } from './memory-watchdog';
import { runningLimitError, RunningWatchdog, WATCH_KEYS, watchOf } from '../manager/running-watchdog';
import { SessionLog } from './session-log';
import { StudioService } from './studio-service';

export interface WorkspaceOptions {
  paths: DataPaths;
  params: ParameterStore;
  logger: Logger;
  clock: Clock;
  /** Rows of the generated example reference table (smaller in tests). */
  exampleDataRows?: number;
  /** Watch the storage for package files changed by other programs. */
  watch?: boolean;
  /** Poll the storage instead of change notification (a network mount shared by a cluster's machines). */
  watchPolling?: boolean;
  hostNames?: HostNames;
  /** Where stops by the server (memory) are audited. */
  audit?: (entry: AuditInput) => void;
  /** Subscribes to new audit entries (the Session Manager shows them live). */
  onAudit?: (listener: (entry: AuditEntry) => void) => void;
  /** Keeps package files' creation times across saves and who saved them (absent: the file system's times only). */
  packageFiles?: PackageFileStore;
  /**
   * In a cluster, this node's name: every session, package instance and execution id starts with it, so
   * ids are unique across the nodes (random ids alone are checked against this node's only).
   */
  idPrefix?: string;
  /** The process's memory ceiling in MB (start-up option processMemoryLimitMB): 0 none, null or absent automatic. */
  processMemoryLimitMB?: number | null;
}

export interface Workspace {
  core: FlowportCore<EngineHandle>;
  storage: FileStorage;
  loader: EngineLoader;
  runner: ExecutionRunner;
  studio: StudioService;
  closer: SessionCloser;
  manager: ManagerService;
  feed: ManagerFeed;
  monitor: ConnectionMonitor;
  /** Called with each package file change this node's watcher saw (a cluster publishes it). */
  onPackageFileChanged(listener: (path: string, fileVersion?: string) => void): void;
  /** Ends the live sockets (manager and Studio) and the Studio sessions opened with access that ended. */
  revokeAccess(r: AccessRevocation): Promise<void>;
  /** The memory of package instances against the budget: `usage()` (latest) and `sample()` (measured now). */
  memory: MemoryAccounting;
  /** For every execution runner: refusals while the server recovers memory, its stops explained. */
  executionHooks: ExecutionHooks;
  /** The session and package lines of the log; an Integrator or batch call's outcome goes on its session's close line. */
  sessionLog: SessionLog;
  /** Stops executions, backs up unsaved work, closes sessions and engines. */
  shutdown(): Promise<void>;
}

export async function createWorkspace(o: WorkspaceOptions): Promise<Workspace> {
  const log = o.logger;
  const files = o.packageFiles;
  const storage = new FileStorage(o.paths.storage, files ? (p, seen) => files.createdAt(p, seen) : undefined);
  // Before anything is written: what a killed save left behind is garbage, the saved file being whole.
  for (const folder of [storage.root, o.paths.backups]) {
    const { removed, kept, failed } = await removeLeftoverTemps(folder);
    if (removed.length) log.info({ folder, files: removed }, 'temporary files of interrupted saves removed');
    if (kept.length) log.warn({ folder, files: kept }, 'temporary files of another running process kept');
    if (failed.length) log.warn({ folder, failed }, 'temporary files of interrupted saves could not be removed');
  }
  if (existsSync(path.join(o.paths.storage, 'credit')) && !existsSync(path.join(o.paths.storage, CUSTOMERS_PATH))) {
    const started = Date.now();
    await ensureExampleData(o.paths.storage, { rows: o.exampleDataRows });
    log.info({ file: CUSTOMERS_PATH, ms: Date.now() - started }, 'example reference table generated');
  }

  // The loader needs the core to resolve references, and the core needs the loader.
  // eslint-disable-next-line prefer-const
  let core: FlowportCore<EngineHandle>;
  const machine = machineMemory();
  const budget = () => budgetBytes(o.params.get().memoryBudgetMB, machine);
  const ceiling = () => ceilingBytes(o.processMemoryLimitMB ?? null, budget(), machine);
  const loader = new EngineLoader({
    storage,
    scratchDir: o.paths.scratch,
    memory: () => {
      const m = instanceMemory(budget());
      return { limit: duckdbSize(m.limitBytes), maxTemp: duckdbSize(m.maxTempBytes) };
    },
    threads: (pooled) => (pooled ? o.params.get().poolEngineThreads : o.params.get().engineThreads),
    resolveReference: (from, ref): PackageRuntime => {
      const inst = core.instanceByHandle(from);
      if (!inst) throw new DomainError('INTERNAL', 'A package calls a reference before it is registered');
      const target = core.resolveReference(inst.id, ref.path);
      if (!target.handle.runtime)
        throw new DomainError('PACKAGE_INVALID', `Referenced package ${ref.path} has errors; open it to see them`);
      return target.handle.runtime;
    },
  });
  core = new FlowportCore<EngineHandle>({
    loader,
    clock: o.clock,
    poolSize: o.params.get().packagePoolSize,
    // The per-user limits are server parameters, read at each check.
    limits: () => o.params.get(),
    ...(o.idPrefix ? { ids: prefixedIds(o.idPrefix) } : {}),
  });

  const feed = new ManagerFeed(core);
  feed.setWatch(() => watchOf(o.params.get()));
  o.params.onChange((next, prev) => {
    if (WATCH_KEYS.some((k) => next[k] !== prev[k])) feed.watchChanged();
  });
  const sessionLog = new SessionLog(core, log);
  o.params.onChange((next, prev) => {
    if (next.packagePoolSize !== prev.packagePoolSize) core.setPoolSize(next.packagePoolSize);
    // Pooled instances keep the threads they were made with: they go, so the next calls load anew.
    if (next.poolEngineThreads !== prev.poolEngineThreads) {
      const removed = core.clearPool();
      log.info({ poolEngineThreads: next.poolEngineThreads, removed }, 'pool cleared: engine threads changed');
    }
    // Likewise for the DuckDB memory limit, derived from the budget.
    if (next.memoryBudgetMB !== prev.memoryBudgetMB) {
      const removed = core.clearPool();
      log.info({ memoryBudget: mb(budget()), removed }, 'pool cleared: memory budget changed');
      const now = ceiling();
      if (now !== null && now !== currentDataLimit()) applyDataLimit(now, log);
    }
  });

  const backup: BackupWriter = async (sessionName, instances, reason, by) => {
    // Session names are `<user>:<id>` (core/session-registry.ts).
    const user = sessionName.slice(0, Math.max(0, sessionName.lastIndexOf(':'))) || sessionName;
    const files: string[] = [];
    for (const inst of instances) {
      try {
        const meta = { user, session: sessionName, name: inst.name, path: inst.path, reason, by: by ?? null };
        const id = await writeCatalogued(o.paths.backups, meta, inst.handle.text);
        files.push(id.slice(id.indexOf('/') + 1));
        log.info({ session: sessionName, package: inst.name, file: id }, 'unsaved work backed up');
      } catch (err) {
        log.error({ session: sessionName, package: inst.name, err }, 'backup of unsaved work failed');
      }
    }
    return files;
  };
  const closer = new SessionCloser({ core, backup });
  const memory = new MemoryAccounting({ core, budget });
  core.setMemoryReader((id) => memory.usage().perInstance.get(id));
  // The watchdog decides whom to stop, the stops say why; each needs the other.
  // eslint-disable-next-line prefer-const
  let watchdog: MemoryWatchdog;
  const stops = new MemoryStops({
    core,
    usage: () => memory.usage(),
    recovering: () => watchdog.recovering,
    ceiling,
    audit: o.audit,
    log,
  });
  watchdog = new MemoryWatchdog({
    measure: () => memory.sample(),
    stop: (offender, sample) => stops.stop(offender, sample),
    computing: (id) => core.getInstance(id)?.handle.runtime?.computing ?? false,
    release: () => (core.poolView().items.some((i) => !i.checkedOut) ? core.clearPool() : 0),
    log,
  });
  watchdog.start();
  log.info({ memoryBudget: mb(budget()), machine: mb(machine) }, 'memory budget of package instances');
  const limit = ceiling();
  if (limit !== null) applyDataLimit(limit, log);
  const running = new RunningWatchdog({ core, closer, params: () => o.params.get(), audit: o.audit, log });
  running.start();
  // Either watchdog's stop is explained to the caller by the one that made it.
  const hooks: ExecutionHooks = {
    admit: () => stops.admit(),
    explain: (err, reason, inst) => runningLimitError(reason) ?? stops.explain(err, reason, inst),
  };
  const runner = new ExecutionRunner(core, log, {}, hooks);
  const studio = new StudioService({ core, loader, storage, runner, clock: o.clock, closer, files });
  const hostNames = o.hostNames ?? new HostNames();
  const manager = new ManagerService({ core, feed, hostNames, studio, closer, onAudit: o.onAudit });
  const monitor = new ConnectionMonitor(studio, closer, () => o.params.get().connectionCheckPeriodSeconds, log);
  monitor.start();
  o.params.onChange((next, prev) => {
    if (next.connectionCheckPeriodSeconds !== prev.connectionCheckPeriodSeconds) {
      monitor.stop();
      monitor.start();
    }
  });

  // A cluster publishes the changes its watcher saw, for nodes whose watcher lags (cluster/pool-invalidation.ts).
  const fileListeners = new Set<(path: string, fileVersion?: string) => void>();
  const announce = (p: string, fileVersion?: string) => {
    for (const l of fileListeners) l(p, fileVersion);
  };
  let watcher: StorageWatcher | undefined;
  if (o.watch !== false) {
    watcher = new StorageWatcher(o.paths.storage, { usePolling: o.watchPolling });
    watcher.on('change', (p) => {
      // With the file's version, instances already loaded from this very version (a save of ours) are kept.
      void storage.stat(p).then(
        (stat) => {
          log.info({ path: p, fileVersion: stat.fileVersion }, 'package file changed');
          core.fileChanged(p, stat.fileVersion);
          void studio.fileChanged(p);
          announce(p, stat.fileVersion);
        },
        () => {
          core.fileChanged(p);
          void studio.fileChanged(p);
          announce(p);
        },
      );
    });
    watcher.on('unlink', (p) => {
      log.info({ path: p }, 'package file removed');
      core.fileChanged(p);
      void studio.fileChanged(p);
      announce(p);
    });
    watcher.on('error', (err) => log.warn({ err }, 'storage watcher error'));
    await watcher.start();
  }

  return {
    core,
    storage,
    loader,
    runner,
    studio,
    closer,
    manager,
    feed,
    monitor,
    onPackageFileChanged: (listener) => void fileListeners.add(listener),
    async revokeAccess(r) {
      const text = revocationText(r.reason);
      const feeds = feed.closeWhere((owner) => revokes(r, owner), ACCESS_ENDED_CLOSE, text);
      const { sessions, sockets } = await studio.revoke(r);
      if (feeds + sessions + sockets > 0)
        log.info(
          { user: r.user, login: r.login, reason: r.reason, liveFeeds: feeds, sessions, sockets },
          `access ended (${text}): its live sockets and Studio sessions closed`,
        );
    },
    memory,
    executionHooks: hooks,
    sessionLog,
    async shutdown() {
      watchdog.stop();
      running.stop();
      monitor.stop();
      feed.close();
      await watcher?.close();
      await closer.closeAll('shutdown');
      core.clearPool();
      await core.shutdown?.();
    },
  };
}
