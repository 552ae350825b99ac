// Checks a run's variables and input rows against the package before anything executes.
import { DomainError } from '../shared/domain-error';
import type { InputSource } from './exec-context';
import type { PackageDef } from './package-types';
import { jsonRowsOf } from './json-rows';
import type { BoundValue } from './sql-parameters';
import { checkValue } from './typed-values';

/** Variables with defaults filled in, each checked against its declared type. */
export function bindVariables(def: PackageDef, given: Record<string, unknown> = {}): Record<string, BoundValue> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new DomainError('VALIDATION_FAILED', 'Variables must be an object of name: value.');
  }
  const declared = Object.keys(def.variables);
  for (const name of Object.keys(given)) {
    if (!(name in def.variables)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Package "${def.name}" has no variable "${name}"; its variables: ${declared.length ? declared.join(', ') : '(none)'}.`,
        { variable: name },
      );
    }
  }
  const bound: Record<string, BoundValue> = {};
  for (const [name, v] of Object.entries(def.variables)) {
    const provided = Object.prototype.hasOwnProperty.call(given, name);
    const raw = provided ? given[name] : v.default;
    if (raw === undefined && !v.nullable) {
      throw new DomainError('VALIDATION_FAILED', `Variable "${name}" (${v.type}) has no default; give it a value.`, {
        variable: name,
      });
    }
    const checked = checkValue(v.type, raw, v.nullable ?? false);
    if ('error' in checked) {
      throw new DomainError('VALIDATION_FAILED', `Variable "${name}" (${v.type}) ${checked.error}.`, {
        variable: name,
      });
    }
    bound[name] = { type: v.type, value: checked.value };
  }
  return bound;
}

/** Input rows by input node id, validated; every input node not given gets no rows. */
export function bindInputs(def: PackageDef, given: Record<string, unknown> = {}): Record<string, InputSource> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new DomainError('VALIDATION_FAILED', 'Inputs must be an object of input node id: rows.');
  }
  const sources: Record<string, InputSource> = {};
  for (const [id, rows] of Object.entries(given)) {
    const node = def.nodes.find((n) => n.id === id);
    if (!node || node.kind !== 'input') {
      const inputs = def.nodes.filter((n) => n.kind === 'input').map((n) => n.id);
      throw new DomainError(
        'VALIDATION_FAILED',
        `Package "${def.name}" has no input node "${id}"; its input nodes: ${inputs.length ? inputs.join(', ') : '(none)'}.`,
        { node: id },
      );
    }
    sources[id] = { kind: 'rows', rows: jsonRowsOf(id, node.columns, rows) };
  }
  return sources;
}
