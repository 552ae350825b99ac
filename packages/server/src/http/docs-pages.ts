// The interactive documentation pages (Swagger UI, served from the server itself) of the whole API and of the Integrator.
import { readFileSync } from 'node:fs';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { INTEGRATOR_PREFIX } from './integrator-openapi';
import { OPENAPI_URL } from './openapi-document';
import { grantScope } from './route-guard';

export const API_DOCS_PREFIX = '/api/docs';
export const INTEGRATOR_DOCS_PREFIX = '/integrator/docs';

const API = { url: OPENAPI_URL, name: 'Flowport API' };
const INTEGRATOR = { url: `${INTEGRATOR_PREFIX}/openapi.json`, name: 'Flowport Integrator' };

/** Read next to this file in the sources, and copied beside the bundle by scripts/build.mjs. */
const asset = (name: string) => ({
  filename: name,
  content: readFileSync(new URL(`./docs/${name}`, import.meta.url), 'utf8'),
});

/**
 * One page per document, each able to switch to the other. The page's files are public (the
 * Integrator's document itself still needs a caller's login); the credentials box adds HTTP Basic
 * or a bearer token to every call the page makes, through Swagger UI's requestInterceptor.
 */
export async function docsPages(app: FastifyInstance): Promise<void> {
  const theme = {
    title: 'Flowport — API documentation',
    js: [asset('credentials-box.js')],
    css: [asset('credentials-box.css')],
  };
  for (const [prefix, primary] of [
    [API_DOCS_PREFIX, API],
    [INTEGRATOR_DOCS_PREFIX, INTEGRATOR],
  ] as const) {
    // Each in a scope of its own: the plugin decorates the instance it is registered on.
    await app.register(async (scope) => {
      grantScope(scope, 'public');
      await scope.register(fastifySwaggerUi, {
        routePrefix: prefix,
        // No call to validator.swagger.io: the server may have no internet, and the CSP forbids it.
        validatorUrl: false,
        theme,
        uiConfig: {
          urls: [API, INTEGRATOR],
          'urls.primaryName': primary.name,
          deepLinking: true,
          // Serialized into the page's script as it is written here: plain browser JavaScript.
          requestInterceptor: function (req: unknown) {
            const w = window as unknown as { flowportRequest?: (r: unknown) => unknown };
            return w.flowportRequest ? w.flowportRequest(req) : req;
          },
        } as Record<string, unknown>,
      });
    });
  }
}
