// What a request refused by a route's schema is told: the field, the rule, the value sent, in the API's error format.
import { CreateUserRequestSchema, ParametersUpdateSchema, RowsQuerySchema } from '@flowport/protocol/schemas';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-mapping';
import { installSchemaValidation, schemaError } from './schema-validation';

async function app() {
  const a = Fastify({ schemaErrorFormatter: (errors, part) => schemaError(errors, part) });
  installErrorHandler(a);
  installSchemaValidation(a);
  a.post(
    '/users',
    { schema: { body: CreateUserRequestSchema }, config: { invalidCode: 'VALIDATION_FAILED' } },
    async (r) => r.body,
  );
  a.put('/parameters', { schema: { body: ParametersUpdateSchema } }, async (r) => r.body);
  a.get('/rows', { schema: { querystring: RowsQuerySchema } }, async (r) => r.query);
  await a.ready();
  return a;
}

describe('schema refusals', () => {
  it('name the field with its index, the allowed values and what was sent', async () => {
    const a = await app();
    const res = await a.inject({
      method: 'POST',
      url: '/users',
      payload: { name: 'ann', password: 'long-enough-1', roles: ['view', 'wizard'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'body.roles[1] must be one of admin, design, view, batch, got "wizard"',
      details: { issues: [{ field: 'roles[1]', message: 'must be one of admin, design, view, batch, got "wizard"' }] },
    });
  });

  it('say a required field is missing, and that a body that is no object is a BAD_REQUEST', async () => {
    const a = await app();
    const missing = await a.inject({ method: 'POST', url: '/users', payload: { name: 'ann', roles: [] } });
    expect(missing.json().error.message).toBe('body.password is required');
    const text = await a.inject({
      method: 'POST',
      url: '/users',
      payload: '"just a string"',
      headers: { 'content-type': 'application/json' },
    });
    expect(text.json().error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'body must be an object, got "just a string"',
    });
  });

  it('list every unknown field up to ten, with the known ones, and count the rest', async () => {
    const a = await app();
    const keys = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    const res = await a.inject({ method: 'PUT', url: '/parameters', payload: keys });
    const { message, details } = res.json().error;
    expect(message).toMatch(/^body\.k0 is not a known field; known: packagePoolSize, .*; and 2 more$/);
    expect(details.issues).toHaveLength(10);
    expect(details.moreIssues).toBe(2);
  });

  it('give the bounds of a number, and read query values as numbers', async () => {
    const a = await app();
    const res = await a.inject({ method: 'PUT', url: '/parameters', payload: { packagePoolSize: -1 } });
    expect(res.json().error.message).toBe('body.packagePoolSize must be between 0 and 10000, got -1');
    expect((await a.inject({ url: '/rows?offset=5&limit=7' })).json()).toEqual({ offset: 5, limit: 7 });
    expect((await a.inject({ url: '/rows' })).json()).toEqual({ offset: 0, limit: 100 });
    const bad = await a.inject({ url: '/rows?limit=lots' });
    expect(bad.json().error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'querystring.limit must be an integer, got "lots"',
    });
  });

  it('take a body left out as {}, and never coerce a body value', async () => {
    const a = await app();
    expect((await a.inject({ method: 'PUT', url: '/parameters' })).json()).toEqual({});
    const res = await a.inject({ method: 'PUT', url: '/parameters', payload: { packagePoolSize: '5' } });
    expect(res.json().error.message).toMatch(/^body\.packagePoolSize must be an integer/);
  });
});
