// The wire description of a package's variables (VariableDto of the session API).
import type { VariableDto } from '@flowport/protocol';
import type { PackageDef } from './package-types';

export function variableDtos(def: PackageDef): VariableDto[] {
  return Object.entries(def.variables).map(([name, v]) => ({
    name,
    type: v.type,
    nullable: v.nullable ?? false,
    default: v.default ?? null,
  }));
}
