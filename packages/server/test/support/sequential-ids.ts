// Deterministic ids for tests, in place of the core's random ones: prefix1, prefix2, ...
import type { IdGenerator } from '../../src/shared/clock';

export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return () => `${prefix}${++n}`;
}
