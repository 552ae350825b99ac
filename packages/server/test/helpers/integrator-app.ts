// The app the Integrator tests call: the example storage, an administrator, and a Batch execution user's bearer token.
import type { LightMyRequestResponse } from 'fastify';
import { bearerToken } from './integration-helpers';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './test-app';

export const SCORED = '/integrator/v1/credit/scoring.pkg.yaml/scored';
export const GREETING = '/integrator/v1/demo/hello.pkg.yaml/greeting';
export const TOTALS = '/integrator/v1/demo/long-aggregation.pkg.yaml/totals';
export const APPLICANTS = [
  { id: 1, income: 52000, age: 34 },
  { id: 2, income: -10, age: 17 },
];
export const USER_PASSWORD = 'user-password-1';

export interface IntegratorApp {
  t: TestApp;
  admin: LoggedIn;
  /** `Bearer …` of "ian", who has the Batch execution role. */
  bearer: string;
  /** POSTs `payload` as JSON to an Integrator operation as ian. */
  call(url: string, payload?: object, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function integratorApp(): Promise<IntegratorApp> {
  const t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  const admin = await login(t.app);
  await createUser(t.app, admin, 'ian', ['batch']);
  await createUser(t.app, admin, 'dana', ['design']);
  const bearer = await bearerToken(t.app, 'ian', USER_PASSWORD);
  return {
    t,
    admin,
    bearer,
    call: (url, payload, headers = {}) =>
      t.app.inject({ method: 'POST', url, payload, headers: { authorization: bearer, ...headers } }),
  };
}
