// The schema of the server parameters, built from PARAMETER_DEFS so bounds and help text have one source.
import { Type, type TSchema } from '@sinclair/typebox';
import { PARAMETER_DEFS, type ParameterDef } from '../parameters';
import { OneOf } from './common';

function valueSchema(d: ParameterDef): TSchema {
  const description = d.unit ? `${d.help} (${d.unit})` : d.help;
  if (d.type === 'enum') return OneOf(d.values as readonly string[], { description, default: d.default });
  return Type.Integer({ minimum: d.min, maximum: d.max, description, default: d.default });
}

/** Every parameter, as GET /api/admin/parameters answers. */
export const ServerParametersSchema = Type.Object(
  Object.fromEntries(PARAMETER_DEFS.map((d) => [d.key, valueSchema(d)])),
  { additionalProperties: false },
);

/** Some parameters, as PUT /api/admin/parameters takes them: the ones left out keep their values. */
export const ParametersUpdateSchema = Type.Object(
  Object.fromEntries(PARAMETER_DEFS.map((d) => [d.key, Type.Optional(valueSchema(d))])),
  { additionalProperties: false, description: 'The parameters to change; the others keep their values' },
);
