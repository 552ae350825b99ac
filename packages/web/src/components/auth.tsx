// The current login for the whole app: loaded once from /api/auth/me, set by the login page,
// cleared by logout or when any call answers 401.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Role, UserInfo } from '@flowport/protocol';
import * as client from '../api/http-client';

export type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'logout'; error?: string }
  | { status: 'authenticated'; user: UserInfo };

interface AuthValue {
  state: AuthState;
  user: UserInfo | null;
  login: (username: string, password: string) => Promise<UserInfo>;
  logout: () => Promise<void>;
  /** Asks the server again who is logged in. */
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const answer = await client.me();
      setState(answer ? { status: 'authenticated', user: answer.user } : { status: 'anonymous' });
    } catch (e) {
      setState({ status: 'anonymous', error: (e as Error).message });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      client.onUnauthenticated(() => {
        client.setCsrfToken(null);
        setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', reason: 'expired' } : s));
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const answer = await client.login(username, password);
    setState({ status: 'authenticated', user: answer.user });
    return answer.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await client.logout();
    } finally {
      setState({ status: 'anonymous', reason: 'logout' });
    }
  }, []);

  const value = useMemo<AuthValue>(
    () => ({ state, user: state.status === 'authenticated' ? state.user : null, login, logout, refresh }),
    [state, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() outside <AuthProvider>');
  return value;
}

export function hasAnyRole(user: UserInfo | null, roles: readonly Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

/** Roles that may use each page. */
export const PAGE_ROLES = {
  // Batch-only users reach the Studio to be told they have no Studio access.
  studio: ['admin', 'design', 'view', 'batch'],
  manager: ['admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

/** Where a user goes after login when no `next` is given: administrators to the Session Manager. */
export function homePath(user: UserInfo): string {
  if (hasAnyRole(user, PAGE_ROLES.manager)) return '/manager';
  if (hasAnyRole(user, PAGE_ROLES.studio)) return '/studio';
  return '/studio';
}
