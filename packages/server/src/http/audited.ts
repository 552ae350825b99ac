// Audited administrator actions: a change and its entry in one transaction, and every refused attempt recorded.
import { SESSION_COOKIE } from '@flowport/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/auth-service';
import type { AuditAttempt, AuditLog } from '../db/audit-log';
import type { PreparedChange } from '../core/prepared-change';
import { toHttpError } from './error-mapping';
import { clientAddress } from './route-guard';

/** What a route that is an administrator action records: its name, and what it acts on, from the request. */
export interface AuditedAction {
  action: string;
  /** Evaluated before the action runs (a closed session has no name after). */
  target?(request: FastifyRequest): string | null;
  /** What an auditor needs of the request, never a password; the body may be missing (it failed to parse). */
  details?(request: FastifyRequest): Record<string, unknown> | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is an administrator action: its outcome goes to the audit log, either way. */
    audit?: AuditedAction;
  }
}

/** Requests whose entry is written (outcome ok): an error after that (rare) is not a refusal. */
const recorded = new WeakSet<FastifyRequest>();

/**
 * Refusals stored per actor and minute. A script hammering an admin route must not fill the
 * database; past the budget refusals are counted, and the next stored one says how many were not.
 */
export const REFUSALS_PER_MINUTE = 30;

/** Errors the route guard answers when it cannot tell who is calling: nobody to attribute the attempt to. */
const UNIDENTIFIED = new Set(['UNAUTHENTICATED', 'INVALID_CREDENTIALS', 'LOGIN_LOCKED', 'ACCOUNT_BLOCKED', 'NO_ROLE']);

function attemptOf(request: FastifyRequest, actor: string): AuditAttempt {
  const a = request.routeOptions.config.audit!;
  // A refused request may carry anything: a describer that trips over it must not hide the refusal.
  const safely = <T>(f: (() => T) | undefined, fallback: T): T => {
    try {
      return f ? f() : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    actor,
    action: a.action,
    target: safely(a.target && (() => a.target!(request)), null),
    details: safely(a.details && (() => a.details!(request)), null),
  };
}

export interface Auditor {
  /** Runs an action outside the database (stop, close) and records it done. */
  run<T>(request: FastifyRequest, action: () => Promise<T> | T): Promise<T>;
  /** Prepares a database change and writes it with its entry in one transaction; `after` runs before the entry is announced. */
  write<T>(
    request: FastifyRequest,
    prepare: () => Promise<PreparedChange<T>> | PreparedChange<T>,
    after?: (result: T) => void,
  ): Promise<T>;
}

export function auditor(audit: AuditLog): Auditor {
  const done = (request: FastifyRequest, attempt: AuditAttempt) => {
    recorded.add(request);
    request.log.info(
      { actor: attempt.actor, session: request.principal?.sessionName, action: attempt.action, target: attempt.target },
      `admin ${attempt.action}`,
    );
  };
  return {
    async run(request, action) {
      const attempt = attemptOf(request, request.principal!.user);
      const result = await action();
      await audit.record({ ...attempt, outcome: 'ok' });
      done(request, attempt);
      return result;
    },
    async write(request, prepare, after) {
      const attempt = attemptOf(request, request.principal!.user);
      return audit.commit(attempt, await prepare(), () => done(request, attempt), after);
    },
  };
}

/**
 * Records every refused or failed call of an audited route, whatever refused it: the role check
 * (FORBIDDEN for a non-administrator), the CSRF check, the body parser (a body nested too deep) or
 * the action itself (the last administrator). Only routes that declare an action are audited (a
 * refused read is no action); anonymous calls are not recorded: anyone can make them.
 */
export function installRefusalAudit(app: FastifyInstance, audit: AuditLog, auth: AuthService): void {
  const budget = new Map<string, { start: number; used: number; suppressed: number }>();
  app.addHook('onError', async (request, _reply, err) => {
    if (!request.routeOptions.config?.audit || recorded.has(request)) return;
    const { body } = toHttpError(err);
    try {
      const principal = request.principal ?? (await callerBeforeGuard(auth, request, body.error.code));
      if (!principal) return;
      const now = Date.now();
      let b = budget.get(principal.user);
      if (!b || now - b.start >= 60_000) {
        if (budget.size > 1000) budget.clear();
        b = { start: now, used: 0, suppressed: b?.suppressed ?? 0 };
        budget.set(principal.user, b);
      }
      const attempt = attemptOf(request, principal.user);
      request.log.info(
        {
          actor: principal.user,
          session: principal.sessionName,
          action: attempt.action,
          target: attempt.target,
          code: body.error.code,
        },
        `admin ${attempt.action} refused: ${body.error.message}`,
      );
      if (b.used >= REFUSALS_PER_MINUTE) {
        if (b.suppressed++ === 0)
          request.log.warn(
            { actor: principal.user },
            `more than ${REFUSALS_PER_MINUTE} refused admin actions a minute; not all are audited`,
          );
        return;
      }
      b.used++;
      const details = b.suppressed ? { ...attempt.details, suppressed: b.suppressed } : attempt.details;
      b.suppressed = 0;
      await audit.refused({ ...attempt, details }, body.error.code, body.error.message);
    } catch (auditErr) {
      request.log.error({ err: auditErr }, 'recording a refused admin action in the audit log failed');
    }
  });
}

/**
 * Who made a call refused before the route guard ran (the body parser comes first). A call the
 * guard itself refused for its credentials has nobody to attribute it to; asking again would count
 * a wrong password twice.
 */
async function callerBeforeGuard(
  auth: AuthService,
  request: FastifyRequest,
  code: string,
): Promise<Principal | undefined> {
  if (UNIDENTIFIED.has(code)) return undefined;
  try {
    return await auth.resolve(request.headers.authorization, request.cookies?.[SESSION_COOKIE], clientAddress(request));
  } catch {
    return undefined;
  }
}
