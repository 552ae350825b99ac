// Login, logout and the current user.
import { SESSION_COOKIE, type LoginRequest, type LoginResponse } from '@flowport/protocol';
import {
  LoginRequestSchema,
  LoginResponseSchema,
  OkSchema,
  TokenResponseSchema,
  type TokenResponse,
} from '@flowport/protocol/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { typedNameForLog } from '../auth/typed-name';
import type { AppServices } from '../services';
import { GUARDED, responses } from './responses';
import { clientAddress, principalOf } from './route-guard';

const tags = ['auth'];
/** Logging in: a wrong password, a lockout, a blocked account or one without a role. */
const loginSchema = (summary: string, ok: object) => ({
  summary,
  tags,
  security: [],
  body: LoginRequestSchema,
  response: responses({ 200: ok as never }, [400, 401, 403, 429]),
});

/** The cookie's attributes; Secure when the request came over TLS (directly, or through a trusted proxy). */
const cookieOptions = (request: FastifyRequest) =>
  ({ path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' }) as const;

export async function authRoutes(app: FastifyInstance, { services }: { services: AppServices }) {
  const { auth } = services;

  /** Logs in by name and password; a refusal is logged without what was typed (it may be a password). */
  async function login(request: FastifyRequest<{ Body: LoginRequest }>, via: 'cookie' | 'token') {
    const body = request.body;
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

  app.post<{ Body: LoginRequest }>(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: loginSchema('Log in: sets the session cookie; answers the CSRF token', LoginResponseSchema),
    },
    async (request, reply) => {
      const s = await login(request, 'cookie');
      void reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(request));
      const res: LoginResponse = { user: { name: s.user, roles: s.roles }, csrfToken: s.csrfToken };
      return res;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Log out: ends this login', tags, response: responses({ 200: OkSchema }, GUARDED) },
    },
    async (request, reply) => {
      const p = principalOf(request);
      // Ends the login, and with it (see app.ts) its live sockets and Studio sessions.
      if (p.loginToken) auth.sessions.remove(p.loginToken);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      request.log.info({ user: p.user }, 'logout');
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The current user, and the CSRF token of a cookie login',
        tags,
        response: responses({ 200: LoginResponseSchema }, GUARDED),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const res: LoginResponse = { user: { name: p.user, roles: p.roles }, csrfToken: p.csrfToken ?? '' };
      return res;
    },
  );

  /** A bearer token for scripts and the Integrator: the same login, without a cookie. */
  app.post<{ Body: LoginRequest }>(
    '/api/auth/token',
    {
      config: { access: 'public' },
      schema: loginSchema('A bearer token: the same login, without a cookie', TokenResponseSchema),
    },
    async (request): Promise<TokenResponse> => {
      const s = await login(request, 'token');
      return { token: s.token, user: { name: s.user, roles: s.roles } };
    },
  );
}
