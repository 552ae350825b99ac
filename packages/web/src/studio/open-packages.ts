// The packages open in the page (one tab each): a reducer over API answers and session events.
import type { FileChange, NodeDto, NodeState, PackageDto, SessionEvent } from '@flowport/protocol';

export interface OpenPackage {
  dto: PackageDto;
  /** Text typed in the editor that the server has not taken yet. */
  localEdits: boolean;
  /**
   * The file changed since this tab's version was opened or saved (told by the server at once); kept
   * until the tab holds another version of the file (reloaded or saved over it).
   */
  fileChanged?: FileChange & { heldVersion: string | null };
}

export interface OpenPackagesState {
  /** Package ids in tab order. */
  order: string[];
  byId: Record<string, OpenPackage>;
  active: string | null;
}

export type OpenPackagesAction =
  | { type: 'opened'; dto: PackageDto }
  /**
   * A package as the server answered it, and the events that arrived while the answer was on its way:
   * the answer may predate them, so they are applied again on top of it.
   */
  | { type: 'updated'; dto: PackageDto; replay?: SessionEvent[] }
  | { type: 'event'; event: SessionEvent }
  | { type: 'closed'; id: string }
  | { type: 'local-edits'; id: string; pending: boolean }
  | { type: 'activate'; id: string };

export const EMPTY_OPEN_PACKAGES: OpenPackagesState = { order: [], byId: {}, active: null };

/** Unsaved: changed on the server, typed but not yet sent, or a draft that was never saved. */
export function hasUnsavedChanges(p: OpenPackage): boolean {
  return p.dto.dirty || p.localEdits || p.dto.path === null;
}

function withNode(dto: PackageDto, id: string, change: (n: NodeDto) => NodeDto): PackageDto {
  return { ...dto, nodes: dto.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

/** The package after one event of its session (events of other packages leave it as it is). */
export function applyPackageEvent(dto: PackageDto, event: SessionEvent): PackageDto {
  if (!('packageId' in event) || event.packageId !== dto.id) return dto;
  switch (event.type) {
    case 'node-started':
      return withNode({ ...dto, running: true }, event.node, (n) => ({
        ...n,
        state: 'running',
        error: undefined,
        rows: undefined,
        durationMs: undefined,
      }));
    case 'progress':
      return { ...dto, running: true, progress: event.progress };
    case 'node-finished':
      return withNode(dto, event.node, (n) => ({
        ...n,
        state: 'done',
        rows: event.rows,
        durationMs: event.durationMs,
        error: undefined,
      }));
    case 'node-failed':
      return withNode(dto, event.node, (n) => ({ ...n, state: 'failed', error: event.error }));
    case 'run-finished': {
      const settled: NodeState = event.outcome;
      return {
        ...dto,
        running: false,
        progress: undefined,
        nodes: dto.nodes.map((n) => (n.state === 'running' ? { ...n, state: settled, error: event.error } : n)),
      };
    }
    default:
      return dto;
  }
}

function removeTab(state: OpenPackagesState, id: string): OpenPackagesState {
  if (!state.byId[id]) return state;
  const index = state.order.indexOf(id);
  const order = state.order.filter((x) => x !== id);
  const byId = { ...state.byId };
  delete byId[id];
  let active = state.active;
  if (active === id) active = order[Math.min(index, order.length - 1)] ?? null;
  return { order, byId, active };
}

/** A new answer for a tab: a notice about its file stays only while the tab holds the version it was about. */
function withDto(p: OpenPackage, dto: PackageDto): OpenPackage {
  if (p.fileChanged && dto.fileVersion !== p.fileChanged.heldVersion) return { ...p, dto, fileChanged: undefined };
  return { ...p, dto };
}

function update(state: OpenPackagesState, id: string, change: (p: OpenPackage) => OpenPackage): OpenPackagesState {
  const current = state.byId[id];
  if (!current) return state;
  const next = change(current);
  return next === current ? state : { ...state, byId: { ...state.byId, [id]: next } };
}

export function openPackagesReducer(state: OpenPackagesState, action: OpenPackagesAction): OpenPackagesState {
  switch (action.type) {
    case 'opened': {
      const id = action.dto.id;
      const byId = { ...state.byId, [id]: { dto: action.dto, localEdits: false } };
      const order = state.order.includes(id) ? state.order : [...state.order, id];
      return { order, byId, active: id };
    }
    case 'updated': {
      const dto = (action.replay ?? []).reduce(
        (d, e) => (e.type === 'package' ? (e.package.id === d.id ? e.package : d) : applyPackageEvent(d, e)),
        action.dto,
      );
      return update(state, action.dto.id, (p) => withDto(p, dto));
    }
    case 'local-edits':
      return update(state, action.id, (p) =>
        p.localEdits === action.pending ? p : { ...p, localEdits: action.pending },
      );
    case 'activate':
      return state.byId[action.id] ? { ...state, active: action.id } : state;
    case 'closed':
      return removeTab(state, action.id);
    case 'event': {
      const event = action.event;
      if (event.type === 'package') return update(state, event.package.id, (p) => withDto(p, event.package));
      if (event.type === 'file-changed')
        return update(state, event.packageId, (p) =>
          p.dto.fileVersion === event.fileVersion
            ? p
            : { ...p, fileChanged: { ...event.change, heldVersion: p.dto.fileVersion } },
        );
      if (event.type === 'package-closed') return removeTab(state, event.packageId);
      if (!('packageId' in event) || event.packageId === null) return state;
      return update(state, event.packageId, (p) => {
        const dto = applyPackageEvent(p.dto, event);
        return dto === p.dto ? p : { ...p, dto };
      });
    }
  }
}

/** The open package whose file is at `path`, if any. */
export function findByPath(state: OpenPackagesState, path: string): OpenPackage | undefined {
  return state.order.map((id) => state.byId[id]).find((p) => p?.dto.path === path);
}
