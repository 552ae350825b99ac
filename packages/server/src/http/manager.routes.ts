// The Session Manager API (docs/http-api.md), administrators only: snapshot, live feed, stop, close, clear pool.
import type { Static } from '@sinclair/typebox';
import type { ServerStats } from '@flowport/protocol';
import {
  LiveQuerySchema,
  ManagerIdParamsSchema,
  ManagerSnapshotSchema,
  PackageClosedSchema,
  PackageStoppedSchema,
  PoolClearQuerySchema,
  PoolClearedSchema,
  SessionClosedSchema,
  ServerStatsSchema,
  SessionsStoppedSchema,
  SnapshotQuerySchema,
} from '@flowport/protocol/schemas';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../db/audit-log';
import type { ManagerService } from '../manager/manager-service';
import { auditor, type AuditedAction } from './audited';
import { GUARDED, responses } from './responses';
import { principalOf } from './route-guard';

const ADMIN = { access: ['admin'] as const };
const tags = ['manager'];

/** An action on a session or package by id: gone already (404), or nothing to stop (409). */
const actionSchema = (summary: string, ok: TSchema) => ({
  summary,
  tags,
  params: ManagerIdParamsSchema,
  response: responses({ 200: ok }, [...GUARDED, 404, 409, 504]),
});
type Query = Static<typeof SnapshotQuerySchema>;

export async function managerRoutes(
  app: FastifyInstance,
  {
    manager,
    audit,
    stats,
  }: {
    manager: ManagerService;
    audit: AuditLog;
    /** The server panel: this node's samples, and in a cluster the other nodes'. */
    stats: () => Promise<ServerStats>;
  },
) {
  const audited = auditor(audit);
  const wantsNames = (q: Query) => q.resolveNames === 'true' || q.resolveNames === '1';

  app.get<{ Querystring: Query }>(
    '/api/manager/snapshot',
    {
      config: ADMIN,
      schema: {
        summary: 'Every session, shared package and the pool',
        tags,
        querystring: SnapshotQuerySchema,
        response: responses({ 200: ManagerSnapshotSchema }, [400, ...GUARDED]),
      },
    },
    async (request) => manager.snapshot(wantsNames(request.query)),
  );

  app.get(
    '/api/manager/stats',
    {
      config: ADMIN,
      schema: {
        summary: 'The server panel: CPU, memory, event-loop delay, executions, Integrator calls, the last 15 minutes',
        tags,
        response: responses({ 200: ServerStatsSchema }, [...GUARDED]),
      },
    },
    async () => stats(),
  );

  app.get<{ Querystring: Static<typeof LiveQuerySchema> }>(
    '/api/manager/live',
    {
      config: { ...ADMIN },
      websocket: true,
      schema: {
        summary: 'WebSocket: a snapshot, then every change as it happens (ManagerLiveFrame frames)',
        tags,
        querystring: LiveQuerySchema,
      },
    },
    (socket, request) => {
      const p = principalOf(request);
      const owner = { user: p.user, login: p.sessionName, roles: p.roles };
      manager.attachLive(socket, wantsNames(request.query), owner, request.ip, request.query.wire === 'compact');
    },
  );

  const idOf = (r: FastifyRequest) => (r.params as { id: string }).id;
  const action = (
    name: string,
    label?: (id: string) => string | null,
  ): { access: typeof ADMIN.access; audit: AuditedAction } => ({
    ...ADMIN,
    audit: label
      ? {
          action: name,
          target: (r) => label(idOf(r)),
          // In a cluster: the administrator's node and the node that owns the row.
          details: (r) => ({ id: idOf(r), ...manager.auditNodes(idOf(r)) }),
        }
      : { action: name, details: (r) => ({ ...(r.query as object), ...manager.auditNodes(null) }) },
  });
  const by = (r: FastifyRequest) => principalOf(r).sessionName;

  app.post<{ Params: { id: string } }>(
    '/api/manager/sessions/:id/stop',
    {
      config: action('session.stop', (id) => manager.sessionLabel(id)),
      schema: actionSchema('Stop what a session executes', SessionsStoppedSchema),
    },
    async (request) => audited.run(request, () => manager.stopSession(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/sessions/:id/close',
    {
      config: action('session.close', (id) => manager.sessionLabel(id)),
      schema: actionSchema('Close a session; unsaved work is backed up', SessionClosedSchema),
    },
    async (request) => audited.run(request, () => manager.closeSession(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/packages/:id/stop',
    {
      config: action('package.stop', (id) => manager.packageLabel(id)),
      schema: actionSchema('Stop the execution of a package', PackageStoppedSchema),
    },
    async (request) => audited.run(request, () => manager.stopPackage(request.params.id, by(request))),
  );

  app.post<{ Params: { id: string } }>(
    '/api/manager/packages/:id/close',
    {
      config: action('package.close', (id) => manager.packageLabel(id)),
      schema: actionSchema('Close a package; unsaved work is backed up', PackageClosedSchema),
    },
    async (request) => audited.run(request, () => manager.closePackage(request.params.id, by(request))),
  );

  app.post<{ Querystring: Static<typeof PoolClearQuerySchema> }>(
    '/api/manager/pool/clear',
    {
      config: action('pool.clear'),
      schema: {
        summary: 'Empty the package pool (in a cluster: one node’s with ?node=NAME, else every node’s)',
        tags,
        querystring: PoolClearQuerySchema,
        response: responses({ 200: PoolClearedSchema }, [400, ...GUARDED, 404, 504]),
      },
    },
    async (request) => audited.run(request, () => manager.clearPool(request.query.node)),
  );
}
