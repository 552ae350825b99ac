// The Session Manager API (docs/http-api.md), administrators only: snapshot, live feed, stop, close, clear pool.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../db/audit-log';
import type { ManagerService } from '../manager/manager-service';
import { auditor, type AuditedAction } from './audited';
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

  const idOf = (r: FastifyRequest) => (r.params as { id: string }).id;
  const action = (
    name: string,
    label?: (id: string) => string | null,
  ): { access: typeof ADMIN.access; audit: AuditedAction } => ({
    ...ADMIN,
    audit: label
      ? { action: name, target: (r) => label(idOf(r)), details: (r) => ({ id: idOf(r) }) }
      : { action: name },
  });
  const by = (r: FastifyRequest) => principalOf(r).sessionName;

  app.post<{ Params: { id: string } }>(
    '/api/manager/sessions/:id/stop',
    { config: action('session.stop', (id) => manager.sessionLabel(id)) },
    async (request) => audited.run(request, () => manager.stopSession(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/sessions/:id/close',
    { config: action('session.close', (id) => manager.sessionLabel(id)) },
    async (request) => audited.run(request, () => manager.closeSession(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/packages/:id/stop',
    { config: action('package.stop', (id) => manager.packageLabel(id)) },
    async (request) => audited.run(request, () => manager.stopPackage(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/packages/:id/close',
    { config: action('package.close', (id) => manager.packageLabel(id)) },
    async (request) => audited.run(request, () => manager.closePackage(request.params.id, by(request))),
  );

  app.post('/api/manager/pool/clear', { config: action('pool.clear') }, async (request) =>
    audited.run(request, () => manager.clearPool()),
  );
}
