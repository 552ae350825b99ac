// Administration calls: server parameters and users.
import type { CreateUserRequest, ServerParameters, UpdateUserRequest, UserDto } from '@flowport/protocol';
import { http } from './http-client';

const userPath = (name: string) => `/api/admin/users/${encodeURIComponent(name)}`;

export const adminApi = {
  getParameters: () => http.get<ServerParameters>('/api/admin/parameters'),
  /** Changes some parameters; answers all of them. Values are sent as given, the server validates. */
  updateParameters: (changes: Record<string, unknown>) => http.put<ServerParameters>('/api/admin/parameters', changes),
  listUsers: async () => (await http.get<{ users: UserDto[] }>('/api/admin/users')).users,
  createUser: (user: CreateUserRequest) => http.post<UserDto>('/api/admin/users', user),
  updateUser: (name: string, changes: UpdateUserRequest) => http.put<UserDto>(userPath(name), changes),
  removeUser: (name: string) => http.delete(userPath(name)),
};
