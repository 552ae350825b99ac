// Server parameters and users, for administrators; every change goes to the audit log with it, every refusal too.
import type { CreateUserRequest, ServerParameters, UpdateUserRequest } from '@flowport/protocol';
import {
  CreateUserRequestSchema,
  ParametersUpdateSchema,
  ServerParametersSchema,
  UpdateUserRequestSchema,
  UserDtoSchema,
  UserListSchema,
  UserNameParamsSchema,
} from '@flowport/protocol/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { publicUser } from '../auth/user-store';
import type { AppServices } from '../services';
import { auditor, type AuditedAction } from './audited';
import { GUARDED, NO_CONTENT, responses } from './responses';
import { principalOf } from './route-guard';

/** A wrong field of these forms is VALIDATION_FAILED, its answer listing details.issues, as the stores' own checks say it. */
const ADMIN = { access: ['admin'] as const, invalidCode: 'VALIDATION_FAILED' as const };
const tags = ['administration'];

type UserBody = { name?: unknown; password?: unknown; roles?: unknown; blocked?: unknown };

/** The body's fields, whatever it is (a refused body is described too). */
const fields = (request: FastifyRequest): UserBody =>
  request.body && typeof request.body === 'object' ? (request.body as UserBody) : {};
const nameParam = (request: FastifyRequest) => (request.params as { name: string }).name;

/**
 * What a parameter change changes, read before it is made: each sent parameter whose value differs
 * from the current one, with the old and the new value (the audit row's target and old → new).
 */
function parameterChanges(current: object, request: FastifyRequest): Record<string, { from: unknown; to: unknown }> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const now = current as Record<string, unknown>;
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(body as Record<string, unknown>)) {
    if (JSON.stringify(now[key]) !== JSON.stringify(to)) out[key] = { from: now[key] ?? null, to };
  }
  return out;
}

const AUDIT = {
  create: {
    action: 'user.create',
    target: (r) => (typeof fields(r).name === 'string' ? (fields(r).name as string) : null),
    details: (r) => ({ roles: fields(r).roles ?? null }),
  },
  update: {
    action: 'user.update',
    target: nameParam,
    details: (r) => {
      const b = fields(r);
      return { roles: b.roles, blocked: b.blocked, passwordReset: b.password !== undefined };
    },
  },
  remove: { action: 'user.remove', target: nameParam },
} satisfies Record<string, AuditedAction>;

export async function adminRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { params, users, audit, auth } = services;

  const audited = auditor(audit);
  const parametersAudit: AuditedAction = {
    action: 'parameters.update',
    target: (r) => Object.keys(parameterChanges(params.get(), r)).join(', ') || null,
    details: (r) => ({ values: r.body ?? null, changes: parameterChanges(params.get(), r) }),
  };

  app.get(
    '/api/admin/parameters',
    {
      config: ADMIN,
      schema: { summary: 'The server parameters', tags, response: responses({ 200: ServerParametersSchema }, GUARDED) },
    },
    async () => params.get(),
  );

  app.put<{ Body: Partial<ServerParameters> }>(
    '/api/admin/parameters',
    {
      config: { ...ADMIN, audit: parametersAudit },
      schema: {
        summary: 'Change some parameters; answers all of them',
        tags,
        body: ParametersUpdateSchema,
        response: responses({ 200: ServerParametersSchema }, [400, ...GUARDED]),
      },
    },
    async (request) => {
      const { next } = await audited.write(request, () => params.prepareUpdate(request.body));
      return next;
    },
  );

  app.get(
    '/api/admin/users',
    {
      config: ADMIN,
      schema: { summary: 'The users', tags, response: responses({ 200: UserListSchema }, GUARDED) },
    },
    async () => ({ users: users.list().map(publicUser) }),
  );

  app.post<{ Body: CreateUserRequest }>(
    '/api/admin/users',
    {
      config: { ...ADMIN, audit: AUDIT.create },
      schema: {
        summary: 'Add a user',
        tags,
        body: CreateUserRequestSchema,
        response: responses({ 201: UserDtoSchema }, [400, ...GUARDED, 409]),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const user = await audited.write(request, () => users.prepareCreate(b.name, b.password, b.roles));
      return reply.status(201).send(publicUser(user));
    },
  );

  app.put<{ Params: { name: string }; Body: UpdateUserRequest }>(
    '/api/admin/users/:name',
    {
      config: { ...ADMIN, audit: AUDIT.update },
      schema: {
        summary: 'Change roles, block or unblock, or set a new password',
        tags,
        params: UserNameParamsSchema,
        body: UpdateUserRequestSchema,
        response: responses({ 200: UserDtoSchema }, [400, ...GUARDED, 404, 409]),
      },
    },
    async (request) => {
      const b = request.body;
      // The user's logins follow within the action, before its audit entry goes out on the live feed:
      // they end when blocked or given a new password (the administrator's own login survives a
      // change of their own password), and what they opened ends with them.
      const user = await auth.whileChanging(request.params.name, () =>
        audited.write(
          request,
          () => users.prepareUpdate(request.params.name, b),
          (changed) => auth.userChanged(changed.name, principalOf(request).loginToken),
        ),
      );
      return publicUser(user);
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/api/admin/users/:name',
    {
      config: { ...ADMIN, audit: AUDIT.remove },
      schema: {
        summary: 'Remove a user',
        tags,
        params: UserNameParamsSchema,
        response: responses({ 204: NO_CONTENT }, [...GUARDED, 404, 409]),
      },
    },
    async (request, reply) => {
      await auth.whileChanging(request.params.name, () =>
        audited.write(
          request,
          () => users.prepareRemove(request.params.name),
          () => auth.userChanged(request.params.name),
        ),
      );
      return reply.status(204).send();
    },
  );
}
