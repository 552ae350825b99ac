// Integrator duration labels: real targets named, anything else kept to two label values.
import { describe, expect, it } from 'vitest';
import { IntegratorLabels, OTHER_TARGET, statusClass, UNKNOWN_TARGET } from './integrator-labels';

describe('IntegratorLabels', () => {
  it('names a target once it answered 2xx or 5xx, and then for its 4xx answers too', () => {
    const labels = new IntegratorLabels();
    const unknown = { package: UNKNOWN_TARGET, node: UNKNOWN_TARGET };
    expect(labels.of('demo/hello.pkg.yaml/greeting', 400)).toEqual(unknown);
    expect(labels.of('demo/hello.pkg.yaml/greeting', 200)).toEqual({
      package: 'demo/hello.pkg.yaml',
      node: 'greeting',
    });
    expect(labels.of('demo/hello.pkg.yaml/greeting', 400)).toEqual({
      package: 'demo/hello.pkg.yaml',
      node: 'greeting',
    });
    expect(labels.of('demo/slow.pkg.yaml/totals', 504)).toEqual({ package: 'demo/slow.pkg.yaml', node: 'totals' });
    expect(labels.of('no/such.pkg.yaml/x', 404)).toEqual(unknown);
    expect(labels.of('nonode', 500)).toEqual(unknown);
    expect(labels.of('trailing/', 500)).toEqual(unknown);
  });

  it('names at most so many targets', () => {
    const labels = new IntegratorLabels(2);
    labels.of('a.pkg.yaml/x', 200);
    labels.of('b.pkg.yaml/x', 200);
    expect(labels.of('c.pkg.yaml/x', 200)).toEqual({ package: OTHER_TARGET, node: OTHER_TARGET });
    expect(labels.of('a.pkg.yaml/x', 200)).toEqual({ package: 'a.pkg.yaml', node: 'x' });
  });

  it('classes statuses', () => {
    expect([200, 204, 302, 401, 404, 499, 500, 504].map(statusClass)).toEqual([
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
    ]);
  });
});
