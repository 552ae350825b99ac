// The Session Manager API (SPEC 9), administrators only: snapshot, live feed, stop, close, clear pool.
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../db/audit-log';
import type { ManagerService } from '../workspace/manager-service';
import { auditor } from './audited';
import { principalOf } from './route-guard';

const ADMIN = { access: ['admin'] as const };

export async function managerRoutes(
  app: FastifyInstance,
  { manager, audit }: { manager: ManagerService; audit: AuditLog },
) {
  const audited = auditor(audit);
  const wantsNames = (q: { resolveNames?: string }) => q.resolveNames === 'true' || q.resolveNames === '1';

  app.get<{ Querystring: { resolveNames?: string } }>('/api/manager/snapshot', { config: ADMIN }, async (request) =>
    manager.snapshot(wantsNames(request.query)),
  );

  app.get<{ Querystring: { resolveNames?: string } }>(
    '/api/manager/live',
    { config: { ...ADMIN }, websocket: true },
    (socket, request) => {
      const p = principalOf(request);
      manager.attachLive(socket, wantsNames(request.query), { user: p.user, login: p.sessionName, roles: p.roles });
    },
  );

  app.post<{ Params: { id: string } }>('/api/manager/sessions/:id/stop', { config: ADMIN }, async (request) => {
    const { id } = request.params;
    return audited(request, 'session.stop', manager.sessionLabel(id), { id }, () =>
      manager.stopSession(id, principalOf(request).sessionName),
    );
  });

  app.post<{ Params: { id: string } }>('/api/manager/sessions/:id/close', { config: ADMIN }, async (request) => {
    const { id } = request.params;
    return audited(request, 'session.close', manager.sessionLabel(id), { id }, () =>
      manager.closeSession(id, principalOf(request).sessionName),
    );
  });

  app.post<{ Params: { id: string } }>('/api/manager/packages/:id/stop', { config: ADMIN }, async (request) => {
    const { id } = request.params;
    return audited(request, 'package.stop', manager.packageLabel(id), { id }, () =>
      manager.stopPackage(id, principalOf(request).sessionName),
    );
  });

  app.post<{ Params: { id: string } }>('/api/manager/packages/:id/close', { config: ADMIN }, async (request) => {
    const { id } = request.params;
    return audited(request, 'package.close', manager.packageLabel(id), { id }, () =>
      manager.closePackage(id, principalOf(request).sessionName),
    );
  });

  app.post('/api/manager/pool/clear', { config: ADMIN }, async (request) =>
    audited(request, 'pool.clear', null, null, () => manager.clearPool()),
  );
}
