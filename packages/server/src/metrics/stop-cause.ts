// Who stopped an execution, told from the stop reason the core records: an administrator, the client or the server.
import { CALLER_GONE } from '../workspace/call-cancellation';

export type StopCause = 'administrator' | 'client' | 'server';

/**
 * The reasons are written where the stops are decided (the Session Manager's actions, a Studio
 * user, a caller that went away, a session's close with its reason); anything else (a timeout, a
 * shutdown, an eviction, a file change) is the server's doing.
 */
export function stopCause(reason: string | null): StopCause {
  if (reason === null) return 'server';
  if (
    reason.startsWith('stopped by administrator ') ||
    reason.startsWith('closed by administrator ') ||
    reason.endsWith(' closed (administrator)')
  )
    return 'administrator';
  // 'user': the Studio's stop button; 'package closed': the user closed the package while it ran.
  if (reason === 'user' || reason === CALLER_GONE || reason === 'package closed' || reason.endsWith(' closed (client)'))
    return 'client';
  return 'server';
}
