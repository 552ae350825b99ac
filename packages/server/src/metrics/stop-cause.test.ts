// Who stopped an execution, for every stop reason the server writes.
import { describe, expect, it } from 'vitest';
import { CALLER_GONE } from '../workspace/call-cancellation';
import { stopCause } from './stop-cause';

describe('stopCause', () => {
  it('tells an administrator’s stops and closes from the Session Manager', () => {
    expect(stopCause('stopped by administrator admin:s1')).toBe('administrator');
    expect(stopCause('closed by administrator admin:s1')).toBe('administrator');
    expect(stopCause('session dana:s2 closed (administrator)')).toBe('administrator');
  });

  it('tells the client’s: the Studio’s stop, a closed package or session, a caller gone', () => {
    expect(stopCause('user')).toBe('client');
    expect(stopCause('package closed')).toBe('client');
    expect(stopCause('session dana:s2 closed (client)')).toBe('client');
    expect(stopCause(CALLER_GONE)).toBe('client');
  });

  it('leaves the rest to the server: timeouts, shutdown, pool and file changes, no reason', () => {
    for (const reason of [
      'timed out after 1 s',
      'session dana:s2 closed (timeout)',
      'session dana:s2 closed (shutdown)',
      'the package pool was cleared',
      'the package file changed',
      'discarded from the package pool',
      'package evicted',
    ])
      expect(stopCause(reason)).toBe('server');
    expect(stopCause(null)).toBe('server');
  });
});
