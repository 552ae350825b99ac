// Public surface of @flowport/protocol.
export * from './errors';
export * from './roles';
export * from './parameters';
export * from './auth';
export * from './packages';
export * from './manager';
export * from './manager-wire';
export * from './health';
export * from './batch';
export * from './integrator';

export const FLOWPORT_VERSION = '0.1.0';
