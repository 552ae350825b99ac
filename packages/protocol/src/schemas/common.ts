// Schemas every route shares: the error body, an object of name: value, and the check that a schema matches its wire type.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorBody } from '../errors';
import { ROLES } from '../roles';

/**
 * Fails to compile unless a schema's static type and the hand-written wire type are the same, so a
 * field added to one without the other is caught (Fastify serializes answers through the schema and
 * would silently drop a field it does not list).
 */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof Required<A>] extends [keyof Required<B>]
      ? [keyof Required<B>] extends [keyof Required<A>]
        ? true
        : false
      : false
    : false
  : false;
export function sameType<T extends true>(_proof: T): void {}

/**
 * One of a list of strings, as a JSON Schema `enum` rather than TypeBox's union of literals: a
 * refusal then says "must be one of a, b, c" once instead of once per value.
 */
export function OneOf<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const RoleSchema = OneOf(ROLES, { description: 'admin, design, view or batch' });

const codes = Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[];

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: OneOf(codes),
        message: Type.String({ description: 'What is wrong, where, and how to fix it' }),
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ErrorBody', additionalProperties: false, description: 'Every error answer of the API' },
);
sameType<Same<Static<typeof ErrorBodySchema>, ErrorBody>>(true);

/** An object of names to any JSON values (variables, details). */
export const NameValues = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

/** An answer that carries no data but says it worked. */
export const OkSchema = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });

export type { Static, TSchema };
