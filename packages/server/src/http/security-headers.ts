// Security headers on every answer: a Content-Security-Policy for the pages, no framing, no sniffing, no referrer.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * What the built pages need, checked in Chromium with the policy on: their scripts and styles come
 * from the server; antd and CodeMirror write style elements and attributes at run time (hence
 * 'unsafe-inline' for styles only); the icon is a data: URL; fetch and the WebSockets go to the
 * server itself ('self' covers ws: and wss: to the same host).
 */
const PAGE_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

type Policy = Record<string, readonly string[]>;

export function policyText(policy: Policy): string {
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

/** The CSP source that allows exactly this inline script or style element (its text between the tags). */
export function hashSource(inline: string): string {
  return `'sha256-${createHash('sha256').update(inline, 'utf8').digest('base64')}'`;
}

/**
 * The policy of a page that carries its own inline script and style (the Integrator's documentation
 * page): those two elements by their hashes, and nothing else inline.
 */
export function inlinePagePolicy(script: string, style: string): string {
  return policyText({ ...PAGE_POLICY, 'script-src': [hashSource(script)], 'style-src': [hashSource(style)] });
}

/**
 * Set on every answer, JSON included (a JSON answer opened as a page is inert under the policy too).
 * A hook of a few lines rather than @fastify/helmet: these are fixed headers, and helmet's defaults
 * would need undoing here (upgrade-insecure-requests breaks a server reached over plain HTTP by its
 * address; Strict-Transport-Security belongs to the TLS proxy that terminates HTTPS).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': policyText(PAGE_POLICY),
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Sets the headers before any route runs, so error answers and the page fallback carry them too; a route may override one. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
}
