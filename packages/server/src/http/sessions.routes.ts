// The Studio session API (docs/http-api.md): sessions, their live WebSocket, storage listing and packages in a session.
import type { SaveRequest } from '@flowport/protocol';
import type { Static } from '@sinclair/typebox';
import {
  NodeParamsSchema,
  OpenPackageRequestSchema,
  PackageDtoSchema,
  PackageParamsSchema,
  RowsPageSchema,
  RowsQuerySchema,
  RunRequestSchema,
  RunStartedSchema,
  SaveRequestSchema,
  SessionCreatedSchema,
  SessionParamsSchema,
  SourceSchema,
  StoppedSchema,
  StorageListingSchema,
  StorageQuerySchema,
} from '@flowport/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { StudioService } from '../workspace/studio-service';
import { sendPackage } from './package-answer';
import { GUARDED, NO_CONTENT, responses } from './responses';
import { clientAddress, principalOf } from './route-guard';

const STUDIO = { access: ['admin', 'design', 'view'] as const };
const tags = ['studio'];

type SessionParams = Static<typeof SessionParamsSchema>;
type PackageParams = Static<typeof PackageParamsSchema>;

/** Errors of every call on a package in a session: no such session or package. */
const IN_PACKAGE = [...GUARDED, 404];

export async function sessionRoutes(app: FastifyInstance, { studio }: { studio: StudioService }) {
  app.get<{ Querystring: Static<typeof StorageQuerySchema> }>(
    '/api/storage',
    {
      config: STUDIO,
      schema: {
        summary: 'The folders and packages in a folder of the storage',
        tags,
        querystring: StorageQuerySchema,
        response: responses({ 200: StorageListingSchema }, [400, ...GUARDED, 404]),
      },
    },
    async (request) => studio.listStorage(request.query.path ?? ''),
  );

  app.post(
    '/api/sessions',
    {
      config: STUDIO,
      schema: {
        summary: 'Start a Studio session (one per browser tab)',
        tags,
        response: responses({ 201: SessionCreatedSchema }, [...GUARDED, 429]),
      },
    },
    async (request, reply) => {
      const s = studio.createSession(principalOf(request), clientAddress(request));
      return reply.status(201).send(s);
    },
  );

  app.delete<{ Params: SessionParams }>(
    '/api/sessions/:sid',
    {
      config: STUDIO,
      schema: {
        summary: 'End a session',
        tags,
        params: SessionParamsSchema,
        response: responses({ 204: NO_CONTENT }, IN_PACKAGE),
      },
    },
    async (request, reply) => {
      await studio.endSession(principalOf(request), request.params.sid);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: SessionParams }>(
    '/api/sessions/:sid/events',
    {
      config: STUDIO,
      websocket: true,
      schema: {
        summary: 'WebSocket: keeps the session alive and pushes its events (SessionEvent frames)',
        tags,
        params: SessionParamsSchema,
      },
    },
    (socket, request) => {
      studio.attachSocket(principalOf(request), request.params.sid, socket);
    },
  );

  app.post<{ Params: SessionParams; Body: Static<typeof OpenPackageRequestSchema> }>(
    '/api/sessions/:sid/packages',
    {
      config: STUDIO,
      schema: {
        summary: 'Open a package of the storage, or a new draft',
        tags,
        params: SessionParamsSchema,
        body: OpenPackageRequestSchema,
        response: responses({ 201: PackageDtoSchema }, [400, ...IN_PACKAGE, 413, 422, 429]),
      },
    },
    async (request, reply) => {
      const dto = await studio.openPackage(principalOf(request), request.params.sid, request.body ?? {});
      return sendPackage(reply, 201, dto);
    },
  );

  app.get<{ Params: PackageParams }>(
    '/api/sessions/:sid/packages/:pid',
    {
      config: STUDIO,
      schema: {
        summary: 'A package: its nodes and their states',
        tags,
        params: PackageParamsSchema,
        response: responses({ 200: PackageDtoSchema }, IN_PACKAGE),
      },
    },
    async (request, reply) =>
      sendPackage(reply, 200, await studio.packageDto(principalOf(request), request.params.sid, request.params.pid)),
  );

  app.get<{ Params: PackageParams }>(
    '/api/sessions/:sid/packages/:pid/source',
    {
      config: STUDIO,
      schema: {
        summary: 'The YAML source of a package',
        tags,
        params: PackageParamsSchema,
        response: responses({ 200: SourceSchema }, IN_PACKAGE),
      },
    },
    async (request) => studio.source(principalOf(request), request.params.sid, request.params.pid),
  );

  app.put<{ Params: PackageParams; Body: Static<typeof SourceSchema> }>(
    '/api/sessions/:sid/packages/:pid/source',
    {
      config: STUDIO,
      schema: {
        summary: 'Replace the source (unsaved until saved); issues are in the answer',
        tags,
        params: PackageParamsSchema,
        body: SourceSchema,
        response: responses({ 200: PackageDtoSchema }, [400, ...IN_PACKAGE, 409]),
      },
    },
    async (request, reply) =>
      sendPackage(
        reply,
        200,
        await studio.replaceSource(principalOf(request), request.params.sid, request.params.pid, request.body.yaml),
      ),
  );

  app.post<{ Params: PackageParams; Body: Static<typeof RunRequestSchema> }>(
    '/api/sessions/:sid/packages/:pid/run',
    {
      config: STUDIO,
      schema: {
        summary: 'Run one node (with what it needs) or all; progress comes on the session’s WebSocket',
        tags,
        params: PackageParamsSchema,
        body: RunRequestSchema,
        response: responses({ 202: RunStartedSchema }, [400, ...IN_PACKAGE, 409, 422]),
      },
    },
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

  app.post<{ Params: PackageParams }>(
    '/api/sessions/:sid/packages/:pid/stop',
    {
      config: STUDIO,
      schema: {
        summary: 'Stop its execution',
        tags,
        params: PackageParamsSchema,
        response: responses({ 200: StoppedSchema }, IN_PACKAGE),
      },
    },
    async (request) => studio.stop(principalOf(request), request.params.sid, request.params.pid),
  );

  app.get<{ Params: Static<typeof NodeParamsSchema>; Querystring: Static<typeof RowsQuerySchema> }>(
    '/api/sessions/:sid/packages/:pid/nodes/:node/rows',
    {
      config: STUDIO,
      schema: {
        summary: 'A page of the result rows of a node',
        tags,
        params: NodeParamsSchema,
        querystring: RowsQuerySchema,
        response: responses({ 200: RowsPageSchema }, [400, ...IN_PACKAGE, 409]),
      },
    },
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
    {
      config: STUDIO,
      schema: {
        summary: 'Save it, or save it as another path',
        tags,
        params: PackageParamsSchema,
        body: SaveRequestSchema,
        response: responses({ 200: PackageDtoSchema }, [400, ...IN_PACKAGE, 409, 413, 422]),
      },
    },
    async (request) => studio.save(principalOf(request), request.params.sid, request.params.pid, request.body),
  );

  app.delete<{ Params: PackageParams }>(
    '/api/sessions/:sid/packages/:pid',
    {
      config: STUDIO,
      schema: {
        summary: 'Close it',
        tags,
        params: PackageParamsSchema,
        response: responses({ 204: NO_CONTENT }, IN_PACKAGE),
      },
    },
    async (request, reply) => {
      await studio.closePackage(principalOf(request), request.params.sid, request.params.pid);
      return reply.status(204).send();
    },
  );
}
