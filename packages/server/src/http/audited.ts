// Runs an administrator action and records its outcome in the audit log and the server log, either way.
import type { FastifyRequest } from 'fastify';
import { isDomainError } from '../core/domain-error';
import type { AuditLog } from '../db/audit-log';
import { principalOf } from './route-guard';

export function auditor(audit: AuditLog) {
  return async function audited<T>(
    request: FastifyRequest,
    action: string,
    target: string | null,
    details: Record<string, unknown> | null,
    run: () => Promise<T> | T,
  ): Promise<T> {
    const actor = principalOf(request).user;
    const adminSession = principalOf(request).sessionName;
    try {
      const result = await run();
      audit.record({ actor, action, target, outcome: 'ok', details });
      request.log.info({ actor, session: adminSession, action, target }, `admin ${action}`);
      return result;
    } catch (err) {
      const code = isDomainError(err) ? err.code : 'INTERNAL';
      audit.record({ actor, action, target, outcome: 'error', details: { ...details, error: code } });
      request.log.info(
        { actor, session: adminSession, action, target, code, err: (err as Error).message },
        `admin ${action} refused`,
      );
      throw err;
    }
  };
}
