// Shared set-up for the core's tests: a core over the fake loader, a hand-driven clock, recorded events.
import type { Role } from '@flowport/protocol';
import type { Clock } from '../../src/shared/clock';
import { sequentialIds } from './sequential-ids';
import type { CoreEvent } from '../../src/core/core-events';
import { FakePackageLoader, type FakeHandle } from './fake-package-loader';
import { FlowportCore } from '../../src/core/flowport-core';
import type { UserLimits } from '../../src/core/user-limits';

export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    return (this.t += ms);
  }
}

export interface Kit {
  core: FlowportCore<FakeHandle>;
  loader: FakePackageLoader;
  clock: ManualClock;
  events: CoreEvent[];
  listenerErrors: unknown[];
  /** Opens a Studio session of `user` (design role). */
  session(user?: string, roles?: Role[]): string;
}

export function makeKit(
  o: { poolSize?: number; files?: Record<string, string[]>; limits?: () => UserLimits } = {},
): Kit {
  const loader = new FakePackageLoader();
  for (const [path, references] of Object.entries(o.files ?? {})) loader.write(path, { references });
  const clock = new ManualClock();
  const listenerErrors: unknown[] = [];
  const core = new FlowportCore<FakeHandle>({
    loader,
    clock,
    ids: sequentialIds('x'),
    poolSize: o.poolSize ?? 10,
    onListenerError: (err) => listenerErrors.push(err),
    limits: o.limits,
  });
  const events: CoreEvent[] = [];
  core.on((e) => events.push(e));
  return {
    core,
    loader,
    clock,
    events,
    listenerErrors,
    session: (user = 'ann', roles = ['design']) =>
      core.openSession({ user, roles, host: '10.0.0.1', kind: 'studio' }).id,
  };
}

/** Ids of the shared instances of a path, oldest first. */
export function sharedOf(core: FlowportCore<FakeHandle>, path: string): string[] {
  return core
    .snapshot()
    .shared.filter((s) => s.path === path)
    .map((s) => s.id);
}
