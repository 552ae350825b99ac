// How the log names the user of a refused login: the name only when such a user exists, since people type passwords into the name field.
import { createHmac, randomBytes } from 'node:crypto';

/** Per process: digests tell repeated names apart within a run, and cannot be tried against guessed passwords. */
const KEY = randomBytes(32);

export const UNKNOWN_USER = '(unknown user)';

/**
 * The fields a log line gives a typed user name: `{user}` when a user of that name exists,
 * otherwise `{user: '(unknown user)', nameDigest}` with a short keyed digest of what was typed.
 */
export function typedNameForLog(
  typed: unknown,
  exists: (name: string) => boolean,
): { user: string; nameDigest?: string } {
  if (typeof typed !== 'string') return { user: UNKNOWN_USER };
  if (typed.length <= 200 && exists(typed)) return { user: typed };
  return { user: UNKNOWN_USER, nameDigest: createHmac('sha256', KEY).update(typed).digest('base64url').slice(0, 10) };
}
