// Login, logout and the current user.
import { SESSION_COOKIE, type LoginResponse } from '@flowport/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../services';
import { clientAddress, principalOf } from './route-guard';

export async function authRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { auth } = services;

  app.post('/api/auth/login', { config: { access: 'public' } }, async (request, reply) => {
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
    const client = clientAddress(request);
    try {
      const s = await auth.login(body.username, body.password, client);
      request.log.info({ user: s.user, host: client }, 'login');
      void reply.setCookie(SESSION_COOKIE, s.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
      });
      const res: LoginResponse = { user: { name: s.user, roles: s.roles }, csrfToken: s.csrfToken };
      return res;
    } catch (err) {
      request.log.info(
        {
          user: typeof body.username === 'string' ? body.username : undefined,
          host: client,
          code: (err as { code?: string }).code,
        },
        'login refused',
      );
      throw err;
    }
  });

  app.post('/api/auth/logout', { config: { access: 'authenticated' } }, async (request, reply) => {
    const p = principalOf(request);
    if (p.loginToken) auth.sessions.remove(p.loginToken);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    request.log.info({ user: p.user }, 'logout');
    return { ok: true };
  });

  app.get('/api/auth/me', { config: { access: 'authenticated' } }, async (request) => {
    const p = principalOf(request);
    const res: LoginResponse = { user: { name: p.user, roles: p.roles }, csrfToken: p.csrfToken ?? '' };
    return res;
  });

  /** A bearer token for scripts and the Integrator: the same login, without a cookie. */
  app.post('/api/auth/token', { config: { access: 'public' } }, async (request) => {
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
    const s = await auth.login(body.username, body.password, clientAddress(request));
    return { token: s.token, user: { name: s.user, roles: s.roles } };
  });
}
