// Login, current user and user administration DTOs.
import type { Role } from './roles';

export interface LoginRequest {
  username: string;
  password: string;
}

export interface UserInfo {
  name: string;
  roles: Role[];
}

export interface LoginResponse {
  user: UserInfo;
  /** Send back in the `x-csrf-token` header on every state-changing request. */
  csrfToken: string;
}

export type MeResponse = LoginResponse;

export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'flowport_session';

export interface UserDto {
  name: string;
  roles: Role[];
  blocked: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface CreateUserRequest {
  name: string;
  password: string;
  roles: Role[];
}

export interface UpdateUserRequest {
  roles?: Role[];
  blocked?: boolean;
  password?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'error';
  details: Record<string, unknown> | null;
}

export interface HealthResponse {
  status: 'ok';
  version: string;
}
