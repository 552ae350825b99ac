// What ends when access ends: the live sockets and Studio sessions opened with a login the auth side says is over or narrowed.
import type { Role } from '@flowport/protocol';
import type { WebSocket } from 'ws';

/** Who opened a live socket or a Studio session: the user, the login (`<user>:<id>`, or `<user>:basic`) and the roles then. */
export interface AccessOwner {
  user: string;
  login: string;
  roles: readonly Role[];
}

/**
 * Access that ended (the auth side's AccessEnded): one login, or every login and HTTP Basic use of
 * the user but `keep`, down to the roles in `roles` (null: none).
 */
export interface AccessRevocation {
  user: string;
  login?: string;
  keep?: string;
  roles: readonly Role[] | null;
  reason: 'logout' | 'idle' | 'blocked' | 'removed' | 'password' | 'demoted';
}

/** Whether what `owner` opened ends with `r`: what was opened with a role the user no longer has ends too. */
export function revokes(r: AccessRevocation, owner: AccessOwner): boolean {
  if (owner.user !== r.user) return false;
  if (r.login !== undefined) return owner.login === r.login;
  if (r.keep !== undefined && owner.login === r.keep) return false;
  if (r.roles === null) return true;
  const kept = r.roles;
  return owner.roles.some((role) => !kept.includes(role));
}

/** The close code of a socket whose access ended (4000-4999 are the application's). */
export const ACCESS_ENDED_CLOSE = 4401;

/** A client that does not answer the close within this is cut off: revocation takes effect within a second. */
const CLOSE_GRACE_MS = 500;

/** What the close frame says, and the Studio page shows, about why. */
export function revocationText(reason: AccessRevocation['reason']): string {
  switch (reason) {
    case 'logout':
      return 'logged out';
    case 'idle':
      return 'login expired';
    case 'blocked':
      return 'account blocked';
    case 'removed':
      return 'account removed';
    case 'password':
      return 'password changed';
    case 'demoted':
      return 'role taken away';
  }
}

/** Closes a socket at once, and cuts it off if its client does not complete the close in time. */
export function endSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSED) return;
  socket.close(code, reason);
  setTimeout(() => {
    if (socket.readyState !== socket.CLOSED) socket.terminate();
  }, CLOSE_GRACE_MS).unref();
}
