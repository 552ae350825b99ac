// Schemas of login, the current user, bearer tokens, user administration and the audit log.
import { Type, type Static } from '@sinclair/typebox';
import type { AuditEntry, CreateUserRequest, LoginResponse, UpdateUserRequest, UserDto, UserInfo } from '../auth';
import { NameValues, RoleSchema, Same, sameType } from './common';

export const LoginRequestSchema = Type.Object(
  {
    username: Type.String({ description: 'The user name' }),
    password: Type.String({ description: 'The password' }),
  },
  { additionalProperties: false },
);

export const UserInfoSchema = Type.Object(
  { name: Type.String(), roles: Type.Array(RoleSchema) },
  { additionalProperties: false },
);
sameType<Same<Static<typeof UserInfoSchema>, UserInfo>>(true);

export const LoginResponseSchema = Type.Object(
  {
    user: UserInfoSchema,
    csrfToken: Type.String({ description: 'Send back in the x-csrf-token header on every state-changing request' }),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof LoginResponseSchema>, LoginResponse>>(true);

export const TokenResponseSchema = Type.Object(
  {
    token: Type.String({ description: 'Send as Authorization: Bearer <token>' }),
    user: UserInfoSchema,
  },
  { additionalProperties: false },
);
export type TokenResponse = Static<typeof TokenResponseSchema>;

const ISO = (description?: string) => Type.String({ format: 'date-time', description });

export const UserDtoSchema = Type.Object(
  {
    name: Type.String(),
    roles: Type.Array(RoleSchema),
    blocked: Type.Boolean(),
    createdAt: ISO(),
    updatedAt: ISO(),
    lastLoginAt: Type.Union([ISO(), Type.Null()]),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof UserDtoSchema>, UserDto>>(true);

export const UserListSchema = Type.Object({ users: Type.Array(UserDtoSchema) }, { additionalProperties: false });

/** The name's own rule (letters, digits, ".", "_", "@", "-") is the user store's: the CLI takes names too. */
export const CreateUserRequestSchema = Type.Object(
  {
    name: Type.String({ description: '1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit' }),
    password: Type.String({ description: '8 to 1024 characters' }),
    roles: Type.Array(RoleSchema),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof CreateUserRequestSchema>, CreateUserRequest>>(true);

export const UpdateUserRequestSchema = Type.Object(
  {
    roles: Type.Optional(Type.Array(RoleSchema)),
    blocked: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ description: '8 to 1024 characters; ends the user’s other logins' })),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof UpdateUserRequestSchema>, UpdateUserRequest>>(true);

export const UserNameParamsSchema = Type.Object({ name: Type.String() });

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: ISO(),
    actor: Type.String(),
    action: Type.String({ examples: ['user.create', 'session.stop'] }),
    target: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    details: Type.Union([NameValues('What the action was given, or why it was refused'), Type.Null()]),
  },
  { additionalProperties: false },
);
sameType<Same<Static<typeof AuditEntrySchema>, AuditEntry>>(true);

export const AuditListSchema = Type.Object({ entries: Type.Array(AuditEntrySchema) }, { additionalProperties: false });

export const AuditQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Newest entries first' })),
});
