// The schema of the server parameters, built from PARAMETER_DEFS so bounds and help text have one source.
import { Type, type TSchema } from '@sinclair/typebox';
import { PARAMETER_DEFS, type ParameterDef } from '../parameters';
import { OneOf } from './common';

/**
 * One parameter's schema. The update's carries no `default`: validation fills defaults in, and a
 * parameter left out of an update keeps its value rather than going back to its default.
 */
function valueSchema(d: ParameterDef, withDefault: boolean): TSchema {
  const description = `${d.help}${d.unit ? ` (${d.unit})` : ''}; default ${JSON.stringify(d.default)}`;
  const extra = withDefault ? { description, default: d.default } : { description };
  if (d.type === 'enum') return OneOf(d.values as readonly string[], extra);
  return Type.Integer({ minimum: d.min, maximum: d.max, ...extra });
}

/** Every parameter, as GET /api/admin/parameters answers. */
export const ServerParametersSchema = Type.Object(
  Object.fromEntries(PARAMETER_DEFS.map((d) => [d.key, valueSchema(d, true)])),
  { additionalProperties: false },
);

/** Some parameters, as PUT /api/admin/parameters takes them: the ones left out keep their values. */
export const ParametersUpdateSchema = Type.Object(
  Object.fromEntries(PARAMETER_DEFS.map((d) => [d.key, Type.Optional(valueSchema(d, false))])),
  { additionalProperties: false, description: 'The parameters to change; the others keep their values' },
);
