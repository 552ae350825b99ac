// Injected time and id sources, so the core and its users are tested without waiting or randomness.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type IdGenerator = () => string;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const randomPool = new Uint8Array(4096);
let randomOffset = randomPool.length;

/**
 * Short random ids (8 characters of Crockford base32) from the platform's crypto source. Bytes are
 * drawn 4 KiB at a time: one getRandomValues call per id cost more than the rest of opening a session.
 */
export const randomId: IdGenerator = () => {
  if (randomOffset + 8 > randomPool.length) {
    globalThis.crypto.getRandomValues(randomPool);
    randomOffset = 0;
  }
  let s = '';
  for (let i = randomOffset; i < randomOffset + 8; i++) s += ALPHABET[randomPool[i] % 32];
  randomOffset += 8;
  return s;
};

/** Random ids after `prefix` and a dot (a cluster's node name: ids unique across its nodes). */
export function prefixedIds(prefix: string, ids: IdGenerator = randomId): IdGenerator {
  return () => `${prefix}.${ids()}`;
}
