// Injected time and id sources, so the core is tested without waiting or randomness.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type IdGenerator = () => string;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Short random ids (8 characters of Crockford base32) from the platform's crypto source. */
export const randomId: IdGenerator = () => {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % 32];
  return s;
};

/** Deterministic ids for tests: prefix-1, prefix-2, ... */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return () => `${prefix}${++n}`;
}
