// What Stop and Close do to the selected rows (plans listing what is affected) and running them against the API.
import type { Translate } from '../components/i18n';
import { ApiError } from '../api/http-client';
import { managerApi, type TargetKind } from './manager-api';
import { isRunning, type ItemRow, type PoolRow } from './manager-rows';

export type ActionType = 'stop' | 'close' | 'clear';

export interface ActionTarget {
  /** Which API the action calls: sessions or packages (session, shared or pooled). */
  kind: TargetKind;
  id: string;
  rowKind: ItemRow['kind'];
  name: string;
  /** Names of a session's packages that go with it. */
  packages?: string[];
  /** Who still references a shared package. */
  holders?: string[];
}

export interface PendingAction {
  type: ActionType;
  targets: ActionTarget[];
  /** For Clear package pool: the pooled instances shown in the confirmation. */
  pool?: PoolRow[];
}

export interface ActionFailure {
  target: ActionTarget | null;
  message: string;
}

export interface ActionOutcome {
  type: ActionType;
  done: number;
  failures: ActionFailure[];
}

function target(row: ItemRow): ActionTarget {
  switch (row.kind) {
    case 'session':
      return {
        kind: 'session',
        id: row.session.id,
        rowKind: 'session',
        name: row.session.name,
        packages: row.session.packages.map((p) => p.name),
      };
    case 'shared':
      return {
        kind: 'package',
        id: row.pkg.id,
        rowKind: 'shared',
        name: row.pkg.name,
        holders: row.pkg.refCount > 0 ? (row.pkg.referencedBy ?? []).map((h) => h.name) : undefined,
      };
    default:
      return { kind: 'package', id: row.pkg.id, rowKind: row.kind, name: row.pkg.name };
  }
}

/** Ids of the selected sessions (that pass `only`): their packages need no action of their own. */
function selectedSessions(rows: ItemRow[], only: (row: ItemRow) => boolean = () => true): Set<string> {
  const ids = new Set<string>();
  for (const r of rows) if (r.kind === 'session' && only(r)) ids.add(r.session.id);
  return ids;
}

/** Executing sessions and packages among the selected rows (a package inside a stopped session is covered). */
export function planStop(rows: ItemRow[]): ActionTarget[] {
  const sessions = selectedSessions(rows, isRunning);
  return rows
    .filter((r) => isRunning(r) && !(r.kind === 'package' && sessions.has(r.session.id)))
    .map((r) =>
      r.kind === 'session'
        ? { ...target(r), packages: r.session.packages.filter((p) => p.running).map((p) => p.name) }
        : target(r),
    );
}

/** Selected sessions (with their packages) and packages whose session is not closed with them. */
export function planClose(rows: ItemRow[]): ActionTarget[] {
  const sessions = selectedSessions(rows);
  return rows.filter((r) => !(r.kind === 'package' && sessions.has(r.session.id))).map(target);
}

function holderNames(details: Record<string, unknown> | undefined): string[] {
  const holders = details?.holders;
  if (!Array.isArray(holders)) return [];
  return holders
    .map((h) => (typeof h === 'string' ? h : typeof h?.name === 'string' ? (h.name as string) : null))
    .filter((h): h is string => !!h);
}

/** Why an action failed, in words; null when the failure means the work is done anyway. */
export function failureMessage(type: ActionType, target: ActionTarget | null, e: unknown, t: Translate): string | null {
  if (!(e instanceof ApiError)) return (e as Error)?.message ?? String(e);
  if (['SESSION_NOT_FOUND', 'PACKAGE_NOT_FOUND', 'NOT_FOUND'].includes(e.code)) return null;
  if (type === 'stop' && e.code === 'NOT_RUNNING') return null;
  if (e.code === 'PACKAGE_REFERENCED') {
    const holders = holderNames(e.details);
    if (holders.length > 0)
      return t('mgr.result.referenced', { name: target?.name ?? '', holders: holders.join(', ') });
  }
  return e.message;
}

const CONCURRENCY = 8;

/** Runs the action on every target, a few at a time; failures are collected, never thrown. */
export async function runAction(pending: PendingAction, t: Translate): Promise<ActionOutcome> {
  const outcome: ActionOutcome = { type: pending.type, done: 0, failures: [] };
  if (pending.type === 'clear') {
    try {
      const answer = await managerApi.clearPool();
      outcome.done = typeof answer?.removed === 'number' ? answer.removed : (pending.pool?.length ?? 0);
    } catch (e) {
      outcome.failures.push({ target: null, message: failureMessage('clear', null, e, t) ?? String(e) });
    }
    return outcome;
  }
  const queue = [...pending.targets];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await (pending.type === 'stop' ? managerApi.stop(next.kind, next.id) : managerApi.close(next.kind, next.id));
        outcome.done += 1;
      } catch (e) {
        const message = failureMessage(pending.type, next, e, t);
        if (message === null) outcome.done += 1;
        else outcome.failures.push({ target: next, message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return outcome;
}
