// Start-up options: trustProxy and databaseUrl read from flags, the environment and a file, and refused when they are not one.
import { describe, expect, it } from 'vitest';
import { ConfigError, configHelp, loadConfig } from './config';

describe('trustProxy', () => {
  it('is off by default, and documented in the help', () => {
    expect(loadConfig({}, {}).trustProxy).toBe(false);
    expect(configHelp()).toMatch(/--trust-proxy\s+FLOWPORT_TRUST_PROXY/);
  });

  it('takes true or false, or a list of proxy addresses', () => {
    expect(loadConfig({ 'trust-proxy': 'true' }, {}).trustProxy).toBe(true);
    expect(loadConfig({}, { FLOWPORT_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({}, { FLOWPORT_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'loopback',
      '::1',
    ]);
  });

  it('refuses anything else, naming the source and the bad entry', () => {
    expect(() => loadConfig({ 'trust-proxy': 'proxy.example' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({}, { FLOWPORT_TRUST_PROXY: '10.0.0.1,10.0.0.0/33' })).toThrow(
      /environment variable FLOWPORT_TRUST_PROXY: trustProxy must be .* got "10.0.0.0\/33"/,
    );
    expect(() => loadConfig({ 'trust-proxy': '2' }, {})).toThrow(/trustProxy/);
  });
});

describe('databaseUrl', () => {
  it('is absent by default (SQLite), taken from the flag or FLOWPORT_DATABASE_URL, and documented in the help', () => {
    expect(loadConfig({}, {}).databaseUrl).toBeNull();
    expect(loadConfig({ 'database-url': 'postgres://u:p@db:5432/f' }, {}).databaseUrl).toBe('postgres://u:p@db:5432/f');
    expect(loadConfig({}, { FLOWPORT_DATABASE_URL: 'postgresql://db/f' }).databaseUrl).toBe('postgresql://db/f');
    expect(configHelp()).toMatch(/--database-url\s+FLOWPORT_DATABASE_URL/);
  });

  it('refuses a URL of another database, naming the source', () => {
    expect(() => loadConfig({}, { FLOWPORT_DATABASE_URL: 'mysql://db/f' })).toThrow(
      /environment variable FLOWPORT_DATABASE_URL: databaseUrl must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
