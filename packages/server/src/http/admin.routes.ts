// Server parameters and users, for administrators; every change goes to the audit log.
import type { FastifyInstance } from 'fastify';
import { publicUser } from '../auth/user-store';
import type { AppServices } from '../services';
import { auditor } from './audited';
import { principalOf } from './route-guard';

const ADMIN = { access: ['admin'] as const };

export async function adminRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { params, users, audit, auth } = services;

  const audited = auditor(audit);

  app.get('/api/admin/parameters', { config: ADMIN }, async () => params.get());

  app.put('/api/admin/parameters', { config: ADMIN }, async (request) => {
    const body = request.body;
    return audited(
      request,
      'parameters.update',
      null,
      { values: body as Record<string, unknown> },
      () => params.update(body).next,
    );
  });

  app.get('/api/admin/users', { config: ADMIN }, async () => ({ users: users.list().map(publicUser) }));

  app.post('/api/admin/users', { config: ADMIN }, async (request, reply) => {
    const b = (request.body ?? {}) as { name?: unknown; password?: unknown; roles?: unknown };
    const user = await audited(
      request,
      'user.create',
      typeof b.name === 'string' ? b.name : null,
      { roles: b.roles ?? null },
      () => users.create(b.name, b.password, b.roles),
    );
    return reply.status(201).send(publicUser(user));
  });

  app.put<{ Params: { name: string } }>('/api/admin/users/:name', { config: ADMIN }, async (request) => {
    const b = (request.body ?? {}) as { roles?: unknown; blocked?: unknown; password?: unknown };
    const details = { roles: b.roles, blocked: b.blocked, passwordReset: b.password !== undefined };
    // The user's logins follow within the action, before its audit entry goes out on the live feed:
    // they end when blocked or given a new password (the administrator's own login survives a change
    // of their own password), and what they opened ends with them.
    const user = await audited(request, 'user.update', request.params.name, details, async () => {
      const changed = await users.update(request.params.name, b);
      auth.userChanged(changed.name, principalOf(request).loginToken);
      return changed;
    });
    return publicUser(user);
  });

  app.delete<{ Params: { name: string } }>('/api/admin/users/:name', { config: ADMIN }, async (request, reply) => {
    await audited(request, 'user.remove', request.params.name, null, () => {
      users.remove(request.params.name);
      auth.userChanged(request.params.name);
    });
    return reply.status(204).send();
  });
}
