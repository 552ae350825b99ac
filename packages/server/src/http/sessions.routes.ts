// The Studio session API (docs/http-api.md): sessions, their live WebSocket, storage listing and packages in a session.
import type { RunRequest, SaveRequest } from '@flowport/protocol';
import type { FastifyInstance } from 'fastify';
import type { StudioService } from '../workspace/studio-service';
import { clientAddress, principalOf } from './route-guard';

const STUDIO = { access: ['admin', 'design', 'view'] as const };

interface SessionParams {
  sid: string;
}
interface PackageParams extends SessionParams {
  pid: string;
}

export async function sessionRoutes(app: FastifyInstance, { studio }: { studio: StudioService }) {
  app.get<{ Querystring: { path?: string } }>('/api/storage', { config: STUDIO }, async (request) =>
    studio.listStorage(request.query.path ?? ''),
  );

  app.post('/api/sessions', { config: STUDIO }, async (request, reply) => {
    const s = studio.createSession(principalOf(request), clientAddress(request));
    return reply.status(201).send(s);
  });

  app.delete<{ Params: SessionParams }>('/api/sessions/:sid', { config: STUDIO }, async (request, reply) => {
    await studio.endSession(principalOf(request), request.params.sid);
    return reply.status(204).send();
  });

  app.get<{ Params: SessionParams }>(
    '/api/sessions/:sid/events',
    { config: STUDIO, websocket: true },
    (socket, request) => {
      studio.attachSocket(principalOf(request), request.params.sid, socket);
    },
  );

  app.post<{ Params: SessionParams; Body: { path?: unknown; draft?: { yaml?: unknown } } }>(
    '/api/sessions/:sid/packages',
    { config: STUDIO },
    async (request, reply) => {
      const body = request.body ?? {};
      const dto = await studio.openPackage(principalOf(request), request.params.sid, body);
      return reply.status(201).send(dto);
    },
  );

  app.get<{ Params: PackageParams }>('/api/sessions/:sid/packages/:pid', { config: STUDIO }, async (request) =>
    studio.packageDto(principalOf(request), request.params.sid, request.params.pid),
  );

  app.get<{ Params: PackageParams }>('/api/sessions/:sid/packages/:pid/source', { config: STUDIO }, async (request) =>
    studio.source(principalOf(request), request.params.sid, request.params.pid),
  );

  app.put<{ Params: PackageParams; Body: { yaml?: unknown } }>(
    '/api/sessions/:sid/packages/:pid/source',
    { config: STUDIO },
    async (request) =>
      studio.replaceSource(principalOf(request), request.params.sid, request.params.pid, request.body?.yaml),
  );

  app.post<{ Params: PackageParams; Body: RunRequest }>(
    '/api/sessions/:sid/packages/:pid/run',
    { config: STUDIO },
    async (request, reply) => {
      const started = await studio.run(
        principalOf(request),
        request.params.sid,
        request.params.pid,
        request.body ?? {},
      );
      return reply.status(202).send(started);
    },
  );

  app.post<{ Params: PackageParams }>('/api/sessions/:sid/packages/:pid/stop', { config: STUDIO }, async (request) =>
    studio.stop(principalOf(request), request.params.sid, request.params.pid),
  );

  app.get<{ Params: PackageParams & { node: string }; Querystring: { offset?: string; limit?: string } }>(
    '/api/sessions/:sid/packages/:pid/nodes/:node/rows',
    { config: STUDIO },
    async (request) =>
      studio.rows(
        principalOf(request),
        request.params.sid,
        request.params.pid,
        request.params.node,
        request.query.offset,
        request.query.limit,
      ),
  );

  app.post<{ Params: PackageParams; Body: SaveRequest }>(
    '/api/sessions/:sid/packages/:pid/save',
    { config: STUDIO },
    async (request) => studio.save(principalOf(request), request.params.sid, request.params.pid, request.body ?? {}),
  );

  app.delete<{ Params: PackageParams }>(
    '/api/sessions/:sid/packages/:pid',
    { config: STUDIO },
    async (request, reply) => {
      await studio.closePackage(principalOf(request), request.params.sid, request.params.pid);
      return reply.status(204).send();
    },
  );
}
