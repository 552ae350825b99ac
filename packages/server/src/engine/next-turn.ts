// One turn of the event loop, for long work that must let timers, I/O and other requests in between its steps.

/**
 * Resolves after the event loop's next check phase. Awaiting promises that are already settled runs
 * as microtasks, which never let the loop turn: planning a deep or wide chain of calls, or building
 * a large package, would hold it, so no timer (a call's timeout), no stop and no other request
 * could get in.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
