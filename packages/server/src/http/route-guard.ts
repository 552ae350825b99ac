// Declares who may call each route: resolves the caller, checks roles and CSRF before the body is read, refuses routes that declare nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '@flowport/protocol';
import { CSRF_HEADER, SESSION_COOKIE } from '@flowport/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/auth-service';
import { DomainError } from '../shared/domain-error';
import { answerUnread, SMALL_BODY_LIMIT } from './refused-body';

/**
 * `public` needs no login; `authenticated` any role; a list: one of those roles; `{ roles, token }`:
 * one of the roles, or the bearer token given (a scrape token; null when none is configured).
 */
export type Access = 'public' | 'authenticated' | readonly Role[] | TokenAccess;
export interface TokenAccess {
  roles: readonly Role[];
  token: string | null;
}

function isTokenAccess(access: Access): access is TokenAccess {
  return typeof access === 'object' && 'token' in access;
}

/** Whether the Authorization header is `Bearer <token>`, compared in constant time. */
export function presentsToken(authorization: string | undefined, token: string): boolean {
  if (!authorization || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(authorization.slice(7)), digest(token));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /**
     * The access of routes a library registers in this scope, which cannot declare config.access
     * themselves (the documentation pages' files); set with `grantScope`, never on the root.
     */
    scopeAccess?: Access;
  }
}

/** Gives the routes a third-party plugin registers inside `scope` this access. */
export function grantScope(scope: FastifyInstance, access: Access): void {
  scope.decorate('scopeAccess', access as never);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}

/** The caller of a guarded route; the guard has already refused anonymous calls. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('UNAUTHENTICATED', 'Log in first');
  return request.principal;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function installRouteGuard(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', function (route) {
    const url = route.url ?? route.path;
    // `this` is the scope the route is registered in (fastify's route.js calls the hook on it).
    if (route.config?.access === undefined && this.scopeAccess !== undefined) {
      route.config = { ...route.config, access: this.scopeAccess };
    }
    const guarded = url.startsWith('/api/') || url.startsWith('/integrator/');
    if (guarded && route.config?.access === undefined) {
      throw new Error(`Route ${String(route.method)} ${url} declares no access; add config.access`);
    }
    // Anonymous callers cannot make the server read (and parse) a large body: a login is a few hundred bytes.
    if (route.config?.access === 'public' && route.bodyLimit === undefined) route.bodyLimit = SMALL_BODY_LIMIT;
  });
  // onRequest: the caller is known, and refused, before any of the body is read or parsed. A
  // callback hook, not an async one: a bearer token or a cookie is checked without a promise
  // (every call of the API passes here); only HTTP Basic waits, for the password hash, which the
  // login limits count before it is computed.
  app.addHook('onRequest', (request, reply, done) => {
    const declared = request.routeOptions.config?.access;
    if (declared === undefined || declared === 'public') return done();
    let access: 'authenticated' | readonly Role[];
    if (isTokenAccess(declared)) {
      if (declared.token !== null && presentsToken(request.headers.authorization, declared.token)) return done();
      access = declared.roles;
    } else access = declared;
    // A large body is never read: answered on its socket, which then closes (refused-body.ts).
    const refuse = (err: Error) => {
      if (answerUnread(request, reply, err)) done();
      else done(err);
    };
    const decide = (principal: Principal | undefined) => {
      const refusal = admit(request, access, principal);
      if (refusal) refuse(refusal);
      else done();
    };
    let resolved: ReturnType<AuthService['resolve']>;
    try {
      // Browsers send cookies on cross-site WebSocket upgrades that no CORS check guards: compare the origin.
      const origin = request.headers.origin;
      if (request.headers.upgrade?.toLowerCase() === 'websocket' && origin && !sameHost(origin, request.host)) {
        throw new DomainError('FORBIDDEN', `WebSocket from a foreign origin ${origin} refused`);
      }
      resolved = auth.resolve(request.headers.authorization, request.cookies?.[SESSION_COOKIE], clientAddress(request));
    } catch (err) {
      return refuse(err as Error);
    }
    if (resolved instanceof Promise) resolved.then(decide, refuse);
    else decide(resolved);
  });
}

/** Lets the caller in (undefined) or says why not: no login, no role for the route, no CSRF token. */
function admit(request: FastifyRequest, access: 'authenticated' | readonly Role[], principal: Principal | undefined) {
  if (!principal) return new DomainError('UNAUTHENTICATED', 'Log in first (cookie, HTTP Basic or a bearer token)');
  request.principal = principal;
  if (access !== 'authenticated' && !access.some((r) => principal.roles.includes(r))) {
    return new DomainError('FORBIDDEN', `This needs one of the roles: ${access.join(', ')}`);
  }
  if (principal.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || sent !== principal.csrfToken) {
      return new DomainError(
        'CSRF_REJECTED',
        `Send the CSRF token from login or /api/auth/me in the ${CSRF_HEADER} header`,
      );
    }
  }
  return undefined;
}
