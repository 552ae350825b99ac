// The log's lines about sessions and packages: opens and closes at info, each naming its session, and an Integrator or batch call's outcome on its session's close.
import type { Logger } from 'pino';
import type { CoreEvent, FlowportCore } from '../core';

/** What an administrator looks for about one Integrator or batch call, written on its session's close line. */
export interface CallOutcome {
  kind: string;
  user: string;
  host: string;
  path: string;
  node: string;
  outcome: string;
  ms: number;
}

interface Known {
  session: string;
  requestId?: string;
  call?: CallOutcome;
}

/**
 * Names (and an Integrator call's request id) outlive their sessions by one event, so the close is
 * logged with them. A call's session is opened and closed by the call itself: its close line carries
 * the call's outcome (one line where there were two). A package lent from the pool's idle instances
 * was open already: that loan is a debug line; a load is the package's open, at info.
 */
export class SessionLog {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly core: Pick<FlowportCore<unknown>, 'on' | 'getSession' | 'getInstance'>,
    private readonly log: Logger,
  ) {
    core.on((e) => this.onEvent(e));
  }

  /**
   * The call's outcome, to be written on its session's close line when the call closes it next.
   * False when the session is closed already (by an administrator, say): the caller writes its own line.
   */
  callEnded(sessionId: string, call: CallOutcome): boolean {
    const known = this.known.get(sessionId);
    if (!known) return false;
    known.call = call;
    return true;
  }

  private onEvent(e: CoreEvent): void {
    const { log } = this;
    switch (e.type) {
      case 'session-opened': {
        const sess = this.core.getSession(e.sessionId);
        if (sess) this.known.set(sess.id, { session: sess.name, requestId: sess.requestId });
        log.info(
          { session: sess?.name, host: sess?.host, kind: sess?.kind, requestId: sess?.requestId },
          'session opened',
        );
        return;
      }
      case 'session-closed': {
        // Lines are object literals, never `{ ...known, more }`: on Node 20 a spread followed by more
        // properties costs about a microsecond per property, and every Integrator call writes these.
        const known = this.known.get(e.sessionId);
        this.known.delete(e.sessionId);
        const call = known?.call;
        if (call)
          log.info(
            {
              session: known.session,
              requestId: known.requestId,
              reason: e.reason,
              by: e.by,
              kind: call.kind,
              user: call.user,
              host: call.host,
              path: call.path,
              node: call.node,
              outcome: call.outcome,
              ms: call.ms,
            },
            'session closed',
          );
        else
          log.info(
            { session: known?.session ?? e.sessionId, requestId: known?.requestId, reason: e.reason, by: e.by },
            'session closed',
          );
        return;
      }
      case 'package-opened': {
        if (e.reused && !log.isLevelEnabled('debug')) return;
        const inst = this.core.getInstance(e.instanceId);
        const known = this.known.get(e.sessionId);
        const fields = {
          session: known?.session,
          requestId: known?.requestId,
          package: inst?.name,
          path: inst?.path,
          version: inst?.version,
        };
        if (e.reused) log.debug(fields, 'package lent from the pool');
        else log.info(fields, 'package opened');
        return;
      }
      case 'package-closed': {
        const known = e.sessionId ? this.known.get(e.sessionId) : undefined;
        log.info(
          { session: known?.session, requestId: known?.requestId, instance: e.instanceId, reason: e.reason },
          'package closed',
        );
        return;
      }
    }
  }
}
