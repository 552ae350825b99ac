// The compact form of the Session Manager's live frames (/api/manager/live?wire=compact): encoded on the server, decoded on the page.
import type {
  ManagerLiveFrame,
  ManagerPackage,
  ManagerPoolItem,
  ManagerSession,
  ManagerSharedPackage,
  ManagerSnapshot,
} from './manager';
import type { Progress } from './packages';
import { topRole, type Role } from './roles';

/**
 * With 10,000 sessions of 3 packages the snapshot frame is about 10 MB as ManagerSnapshot: each
 * package repeats its file's name, version, path and times, each time is a 24-character string, and
 * most flags are at their default. The compact form (about a third) differs in three ways only:
 * - a package's file (path, name, version, createdAt, savedAt) is written once per frame in `files`
 *   and each package names it by its index there (`file`);
 * - times are epoch milliseconds;
 * - defaults are left out: running and dirty false, kind studio, the name
 *   `<user>:<id>`, the role the most privileged of the roles.
 * Every column is kept: `decodeLiveFrame` gives back exactly the ManagerLiveFrame of the full form.
 */
export const COMPACT_WIRE = 'compact';

/** A package file as the packages of one frame share it. */
export interface WireFile {
  path: string | null;
  name: string;
  version: string;
  createdAt: number | null;
  savedAt: number | null;
}

export interface WireProgress extends Omit<Progress, 'nodeStartedAt'> {
  nodeStartedAt: number;
}

export interface WirePackage {
  id: string;
  /** Index in the frame's `files`. */
  file: number;
  lastActivityAt: number;
  running?: true;
  /** Absent: false (a session's own package); null: none (shared, pooled: they are never edited). */
  dirty?: true | null;
  progress?: WireProgress;
  runningSince?: number;
  memoryBytes?: number;
  node?: string;
}

export interface WireSharedPackage extends WirePackage {
  refCount: number;
  referencedBy: ManagerSharedPackage['referencedBy'];
  stale: boolean;
}

export interface WirePoolItem extends WirePackage {
  instanceId: string;
  checkedOut: boolean;
  hits: number;
  lastUsedAt: number;
}

export interface WireSession {
  id: string;
  /** Absent: `<user>:<id>`. */
  name?: string;
  user: string;
  /** Absent: studio. */
  kind?: ManagerSession['kind'];
  host: string;
  hostName?: string;
  /** Absent: the most privileged of `roles`; null is written. */
  role?: Role | null;
  roles: Role[];
  createdAt: number;
  lastActivityAt: number;
  running?: true;
  requestId?: string;
  runningSince?: number;
  memoryBytes?: number;
  packages: WirePackage[];
  node?: string;
}

export interface WirePool {
  max: number;
  items: WirePoolItem[];
  hits: number;
  misses: number;
}

export interface WireSnapshot extends Omit<ManagerSnapshot, 'serverTime' | 'sessions' | 'shared' | 'pool'> {
  serverTime: number;
  files: WireFile[];
  sessions: WireSession[];
  shared: WireSharedPackage[];
  pool: WirePool;
}

type FullDelta = Extract<ManagerLiveFrame, { type: 'delta' }>;

export interface WireDelta extends Omit<
  FullDelta,
  'serverTime' | 'upsertSessions' | 'upsertShared' | 'pool' | 'nodePool'
> {
  serverTime: number;
  files: WireFile[];
  upsertSessions: WireSession[];
  upsertShared: WireSharedPackage[];
  pool?: WirePool;
  nodePool?: WirePoolItem[];
}

export type WireLiveFrame =
  | { type: 'snapshot'; snapshot: WireSnapshot }
  | ({ type: 'delta' } & Omit<WireDelta, 'type'>)
  | Exclude<ManagerLiveFrame, { type: 'snapshot' } | { type: 'delta' }>;

// ---- encoding (the server) ----

const ms = (iso: string) => Date.parse(iso);
const msOrNull = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The files of one frame, each written once. */
class FileTable {
  readonly files: WireFile[] = [];
  private readonly index = new Map<string, number>();

  of(p: ManagerPackage): number {
    const key = `${p.path}\u0000${p.name}\u0000${p.version}\u0000${p.createdAt}\u0000${p.savedAt}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.files.length;
      this.files.push({
        path: p.path,
        name: p.name,
        version: p.version,
        createdAt: msOrNull(p.createdAt),
        savedAt: msOrNull(p.savedAt),
      });
      this.index.set(key, i);
    }
    return i;
  }
}

function encodeProgress(p: Progress): WireProgress {
  return { ...p, nodeStartedAt: ms(p.nodeStartedAt) };
}

function encodePackage(p: ManagerPackage, files: FileTable): WirePackage {
  const w: WirePackage = { id: p.id, file: files.of(p), lastActivityAt: ms(p.lastActivityAt) };
  if (p.running) w.running = true;
  if (p.dirty) w.dirty = true;
  else if (p.dirty === undefined) w.dirty = null;
  if (p.progress) w.progress = encodeProgress(p.progress);
  if (p.runningSince !== undefined) w.runningSince = ms(p.runningSince);
  if (p.memoryBytes) w.memoryBytes = p.memoryBytes;
  if (p.node !== undefined) w.node = p.node;
  return w;
}

function encodeSession(s: ManagerSession, files: FileTable): WireSession {
  const w: WireSession = {
    id: s.id,
    user: s.user,
    host: s.host,
    roles: s.roles,
    createdAt: ms(s.createdAt),
    lastActivityAt: ms(s.lastActivityAt),
    packages: s.packages.map((p) => encodePackage(p, files)),
  };
  if (s.name !== `${s.user}:${s.id}`) w.name = s.name;
  if (s.kind !== 'studio') w.kind = s.kind;
  if (s.hostName !== undefined) w.hostName = s.hostName;
  if (s.role !== topRole(s.roles)) w.role = s.role;
  if (s.running) w.running = true;
  if (s.requestId !== undefined) w.requestId = s.requestId;
  if (s.runningSince !== undefined) w.runningSince = ms(s.runningSince);
  if (s.memoryBytes) w.memoryBytes = s.memoryBytes;
  if (s.node !== undefined) w.node = s.node;
  return w;
}

function encodeShared(p: ManagerSharedPackage, files: FileTable): WireSharedPackage {
  return Object.assign(encodePackage(p, files), { refCount: p.refCount, referencedBy: p.referencedBy, stale: p.stale });
}

function encodePoolItem(p: ManagerPoolItem, files: FileTable): WirePoolItem {
  return Object.assign(encodePackage(p, files), {
    instanceId: p.instanceId,
    checkedOut: p.checkedOut,
    hits: p.hits,
    lastUsedAt: ms(p.lastUsedAt),
  });
}

function encodePool(pool: ManagerSnapshot['pool'], files: FileTable): WirePool {
  return { ...pool, items: pool.items.map((i) => encodePoolItem(i, files)) };
}

export function encodeSnapshot(s: ManagerSnapshot): WireSnapshot {
  const files = new FileTable();
  const sessions = s.sessions.map((x) => encodeSession(x, files));
  const shared = s.shared.map((x) => encodeShared(x, files));
  const pool = encodePool(s.pool, files);
  return { ...s, serverTime: ms(s.serverTime), files: files.files, sessions, shared, pool };
}

export function encodeDelta(d: FullDelta): WireDelta {
  const files = new FileTable();
  const w: WireDelta = {
    ...d,
    serverTime: ms(d.serverTime),
    files: files.files,
    upsertSessions: d.upsertSessions.map((x) => encodeSession(x, files)),
    upsertShared: d.upsertShared.map((x) => encodeShared(x, files)),
    pool: d.pool && encodePool(d.pool, files),
    nodePool: d.nodePool?.map((x) => encodePoolItem(x, files)),
  };
  if (!d.pool) delete w.pool;
  if (!d.nodePool) delete w.nodePool;
  return w;
}

/** Any live frame in the compact form; frames without rows are as they are. */
export function encodeLiveFrame(f: ManagerLiveFrame): WireLiveFrame {
  if (f.type === 'snapshot') return { type: 'snapshot', snapshot: encodeSnapshot(f.snapshot) };
  if (f.type === 'delta') return encodeDelta(f);
  return f;
}

// ---- decoding (the page) ----

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

function decodePackage(w: WirePackage, files: readonly WireFile[]): ManagerPackage {
  const f = files[w.file];
  if (!f) throw new Error(`package ${w.id} names file ${w.file}, which the frame does not have`);
  const p: ManagerPackage = {
    id: w.id,
    name: f.name,
    version: f.version,
    path: f.path,
    createdAt: isoOrNull(f.createdAt),
    savedAt: isoOrNull(f.savedAt),
    lastActivityAt: iso(w.lastActivityAt),
    running: w.running === true,
  };
  if (w.dirty !== null) p.dirty = w.dirty === true;
  if (w.progress) p.progress = { ...w.progress, nodeStartedAt: iso(w.progress.nodeStartedAt) };
  if (w.runningSince !== undefined) p.runningSince = iso(w.runningSince);
  if (w.memoryBytes !== undefined) p.memoryBytes = w.memoryBytes;
  if (w.node !== undefined) p.node = w.node;
  return p;
}

function decodeSession(w: WireSession, files: readonly WireFile[]): ManagerSession {
  const s: ManagerSession = {
    id: w.id,
    name: w.name ?? `${w.user}:${w.id}`,
    user: w.user,
    kind: w.kind ?? 'studio',
    host: w.host,
    role: w.role !== undefined ? w.role : topRole(w.roles),
    roles: w.roles,
    createdAt: iso(w.createdAt),
    lastActivityAt: iso(w.lastActivityAt),
    running: w.running === true,
    packages: w.packages.map((p) => decodePackage(p, files)),
  };
  if (w.hostName !== undefined) s.hostName = w.hostName;
  if (w.requestId !== undefined) s.requestId = w.requestId;
  if (w.runningSince !== undefined) s.runningSince = iso(w.runningSince);
  if (w.memoryBytes !== undefined) s.memoryBytes = w.memoryBytes;
  if (w.node !== undefined) s.node = w.node;
  return s;
}

function decodeShared(w: WireSharedPackage, files: readonly WireFile[]): ManagerSharedPackage {
  return Object.assign(decodePackage(w, files), { refCount: w.refCount, referencedBy: w.referencedBy, stale: w.stale });
}

function decodePoolItem(w: WirePoolItem, files: readonly WireFile[]): ManagerPoolItem {
  return Object.assign(decodePackage(w, files), {
    instanceId: w.instanceId,
    checkedOut: w.checkedOut,
    hits: w.hits,
    lastUsedAt: iso(w.lastUsedAt),
  });
}

function decodePool(w: WirePool, files: readonly WireFile[]): ManagerSnapshot['pool'] {
  return { ...w, items: w.items.map((i) => decodePoolItem(i, files)) };
}

export function decodeSnapshot(w: WireSnapshot): ManagerSnapshot {
  const { files, ...rest } = w;
  return {
    ...rest,
    serverTime: iso(w.serverTime),
    sessions: w.sessions.map((s) => decodeSession(s, files)),
    shared: w.shared.map((s) => decodeShared(s, files)),
    pool: decodePool(w.pool, files),
  };
}

/** A compact frame as the full ManagerLiveFrame (the page reads only this). */
export function decodeLiveFrame(f: WireLiveFrame): ManagerLiveFrame {
  if (f.type === 'snapshot') return { type: 'snapshot', snapshot: decodeSnapshot(f.snapshot) };
  if (f.type !== 'delta') return f;
  const { files, ...rest } = f;
  const d: FullDelta = {
    ...rest,
    type: 'delta',
    serverTime: iso(f.serverTime),
    upsertSessions: f.upsertSessions.map((s) => decodeSession(s, files)),
    upsertShared: f.upsertShared.map((s) => decodeShared(s, files)),
    pool: f.pool && decodePool(f.pool, files),
    nodePool: f.nodePool?.map((p) => decodePoolItem(p, files)),
  };
  if (!f.pool) delete d.pool;
  if (!f.nodePool) delete d.nodePool;
  return d;
}
