// The Studio session of this tab as React state: its phase, its events for subscribers, and a restart.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { SessionConnection, type SessionListener, type SessionPhase } from './session-connection';

export interface StudioSession {
  state: SessionPhase;
  /** Receives every event of the session's WebSocket; answers the unsubscribe function. */
  subscribe: (listener: SessionListener) => () => void;
  /** Ends the current session (if it still lives) and starts a new one. */
  restart: () => void;
}

export function useStudioSession(): StudioSession {
  const [state, setState] = useState<SessionPhase>({ phase: 'starting' });
  const [generation, setGeneration] = useState(0);
  const listeners = useRef(new Set<SessionListener>());

  useEffect(() => {
    const connection = new SessionConnection(setState, (event) => {
      for (const listener of [...listeners.current]) listener(event);
    });
    void connection.start();
    return () => connection.dispose();
  }, [generation]);

  const subscribe = useCallback((listener: SessionListener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const restart = useCallback(() => setGeneration((g) => g + 1), []);

  return useMemo(() => ({ state, subscribe, restart }), [state, subscribe, restart]);
}
