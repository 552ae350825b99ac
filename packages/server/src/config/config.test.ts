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

describe('processMemoryLimitMB', () => {
  it('is automatic (null) unless set; 0 turns it off; whole megabytes of at least 256 otherwise', () => {
    expect(loadConfig({}, {}).processMemoryLimitMB).toBeNull();
    expect(loadConfig({ 'process-memory-limit': '4096' }, {}).processMemoryLimitMB).toBe(4096);
    expect(loadConfig({}, { FLOWPORT_PROCESS_MEMORY_LIMIT: '0' }).processMemoryLimitMB).toBe(0);
    expect(() => loadConfig({ 'process-memory-limit': '4G' }, {})).toThrow(
      /flag --process-memory-limit: processMemoryLimitMB must be a whole number of megabytes, 0 \(none\) or at least 256, got "4G"/,
    );
    expect(() => loadConfig({ 'process-memory-limit': '100' }, {})).toThrow(/at least 256/);
  });
});

describe('redisUrl and nodeName', () => {
  it('are absent by default (this node alone, the host name), taken from the flags or the environment, documented', () => {
    expect(loadConfig({}, {})).toMatchObject({ redisUrl: null, nodeName: null });
    expect(loadConfig({ 'redis-url': 'redis://r:6379', 'node-name': 'node-a' }, {})).toMatchObject({
      redisUrl: 'redis://r:6379',
      nodeName: 'node-a',
    });
    expect(loadConfig({}, { FLOWPORT_REDIS_URL: 'rediss://r', FLOWPORT_NODE_NAME: 'b.1' })).toMatchObject({
      redisUrl: 'rediss://r',
      nodeName: 'b.1',
    });
    expect(configHelp()).toMatch(/--redis-url\s+FLOWPORT_REDIS_URL/);
    expect(configHelp()).toMatch(/--node-name\s+FLOWPORT_NODE_NAME/);
  });

  it('refuses another URL and a name outside the safe alphabet, naming the source', () => {
    expect(() => loadConfig({}, { FLOWPORT_REDIS_URL: 'http://r' })).toThrow(
      /environment variable FLOWPORT_REDIS_URL: redisUrl must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => loadConfig({ 'node-name': 'a b' }, {})).toThrow(/flag --node-name: nodeName must be 1-64 letters/);
  });
});
