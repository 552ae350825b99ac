// The JSON Schemas (TypeBox) of the HTTP API's bodies, parameters and answers, beside the wire types they describe.
export * from './common';
export * from './auth';
export * from './parameters';
export * from './health';
export * from './packages';
export * from './manager';
export * from './batch';
export * from './history';
