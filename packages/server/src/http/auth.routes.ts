// Login, logout and the current user.
import { SESSION_COOKIE, type LoginResponse } from '@flowport/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { typedNameForLog } from '../auth/typed-name';
import type { AppServices } from '../services';
import { clientAddress, principalOf } from './route-guard';

type Credentials = { username?: unknown; password?: unknown };

/** The cookie's attributes; Secure when the request came over TLS (directly, or through a trusted proxy). */
const cookieOptions = (request: FastifyRequest) =>
  ({ path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' }) as const;

export async function authRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { auth } = services;

  /** Logs in by name and password; a refusal is logged without what was typed (it may be a password). */
  async function login(request: FastifyRequest, via: 'cookie' | 'token') {
    const body = (request.body ?? {}) as Credentials;
    const client = clientAddress(request);
    try {
      const s = await auth.login(body.username, body.password, client);
      request.log.info({ user: s.user, host: client, via }, 'login');
      return s;
    } catch (err) {
      const who = typedNameForLog(body.username, (name) => auth.exists(name));
      const code = (err as { code?: string }).code;
      request.log.info({ user: who.user, nameDigest: who.nameDigest, host: client, via, code }, 'login refused');
      throw err;
    }
  }

  app.post('/api/auth/login', { config: { access: 'public' } }, async (request, reply) => {
    const s = await login(request, 'cookie');
    void reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(request));
    const res: LoginResponse = { user: { name: s.user, roles: s.roles }, csrfToken: s.csrfToken };
    return res;
  });

  app.post('/api/auth/logout', { config: { access: 'authenticated' } }, async (request, reply) => {
    const p = principalOf(request);
    // Ends the login, and with it (see app.ts) its live sockets and Studio sessions.
    if (p.loginToken) auth.sessions.remove(p.loginToken);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
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
    const s = await login(request, 'token');
    return { token: s.token, user: { name: s.user, roles: s.roles } };
  });
}
