// Start-up options: the trustProxy option read from flags, the environment and a file, and refused when it is not one.
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
