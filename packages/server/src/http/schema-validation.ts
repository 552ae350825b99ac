// Validates bodies, parameters and queries against the routes' schemas, and says what is wrong the API's way: the field, the rule, the value.
import type { ErrorCode } from '@flowport/protocol';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { DomainError } from '../shared/domain-error';

/** What a refused body is called out with when its fields are wrong; a body that is no object at all is always BAD_REQUEST. */
declare module 'fastify' {
  interface FastifyContextConfig {
    invalidCode?: ErrorCode;
  }
}

const COMMON: Options = {
  // A body is taken as sent: no unknown field dropped unsaid, nothing coerced ({"path": ["a"]} is no path).
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  // The refused value and its schema, for messages that show what was sent and what is known.
  verbose: true,
  strict: true,
  // Formats document answers; requests carry none.
  validateFormats: false,
};

/** Bodies: JSON already typed. Path, query and headers: text, read as the schema's number or boolean. */
const bodyAjv = new Ajv({ ...COMMON, coerceTypes: false });
const textAjv = new Ajv({ ...COMMON, coerceTypes: true });

export function installSchemaValidation(app: FastifyInstance): void {
  installInvalidCodes(app);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyValidator(schema as object) : textAjv.compile(schema as object),
  );
}

/**
 * A body left out (or JSON null) is checked, and handed to the route, as `{}`: a call whose fields
 * are all optional needs none, and one with a required field is told which. A `{ value }` result is
 * what Fastify puts in request.body.
 */
function bodyValidator(schema: object) {
  const validate = bodyAjv.compile(schema);
  const check = (data: unknown) => {
    const value = data ?? {};
    if (validate(value)) return { value };
    check.errors = validate.errors;
    return false;
  };
  check.errors = undefined as ErrorObject[] | null | undefined;
  return check;
}

/** A refused value as JSON, cut short: it is repeated in the answer and the audit log. */
function shown(raw: unknown): string {
  const json = JSON.stringify(raw) ?? String(raw);
  return json.length > 80 ? `${json.slice(0, 80)}… (${json.length} characters)` : json;
}

/** `/roles/1` in the body → `body.roles[1]`. */
function where(part: string, instancePath: string): string {
  let out = part;
  for (const seg of instancePath.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return out;
}

const typeWords: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

interface Issue {
  field: string;
  message: string;
}

const SHOWN_ISSUES = 10;

/** One Ajv error as issues: a field and what it must be (several for unknown fields, all of them named). */
function issuesOf(part: string, e: ErrorObject): Issue[] {
  const field = where(part, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const schema = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const hint = schema.description ? ` (${schema.description})` : '';
  switch (e.keyword) {
    case 'required':
      return [{ field: `${field}.${String(p.missingProperty)}`, message: 'is required' }];
    case 'additionalProperties': {
      const known = Object.keys(schema.properties ?? {});
      const unknown = Object.keys((e.data ?? {}) as object).filter((k) => !known.includes(k));
      const knownText = known.length ? `known: ${known.join(', ')}` : 'it takes no fields';
      // The known fields once, after the first unknown one: the joined message stays readable.
      return unknown.map((k, i) => ({
        field: where(field, `/${k}`),
        message: i === 0 ? `is not a known field; ${knownText}` : 'is not a known field',
      }));
    }
    case 'type': {
      const types = String(p.type).split(',');
      const want = types.map((t) => typeWords[t] ?? t).join(' or ');
      return [{ field, message: `must be ${want}${hint}, got ${shown(e.data)}` }];
    }
    case 'enum':
      return [{ field, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}, got ${shown(e.data)}` }];
    case 'const':
      return [{ field, message: `must be ${shown(p.allowedValue)}, got ${shown(e.data)}` }];
    case 'minimum':
    case 'maximum': {
      const s = e.parentSchema as { minimum?: number; maximum?: number };
      const range =
        s.minimum !== undefined && s.maximum !== undefined
          ? `between ${s.minimum} and ${s.maximum}`
          : s.minimum !== undefined
            ? `at least ${s.minimum}`
            : `at most ${s.maximum}`;
      return [{ field, message: `must be ${range}, got ${shown(e.data)}` }];
    }
    case 'minLength':
      return [
        {
          field,
          message: p.limit === 1 ? `must not be empty${hint}` : `must have at least ${String(p.limit)} characters`,
        },
      ];
    case 'maxLength':
      return [{ field, message: `must have at most ${String(p.limit)} characters` }];
    default:
      return [{ field, message: `${e.message ?? 'is not valid'}${hint}` }];
  }
}

/**
 * Fastify's schemaErrorFormatter: the refusal as a DomainError, so the error handler answers it in
 * the API's format. A wrong field is the route's `invalidCode` (VALIDATION_FAILED for the
 * administration forms, whose answers list `details.issues`), else BAD_REQUEST.
 */
export function schemaError(
  errors: FastifySchemaValidationError[],
  part: string,
  invalidCode: ErrorCode = 'BAD_REQUEST',
): DomainError {
  const issues = (errors as ErrorObject[]).flatMap((e) => issuesOf(part, e));
  const notAnObject = errors.some((e) => e.instancePath === '' && e.keyword === 'type');
  const code = notAnObject ? 'BAD_REQUEST' : invalidCode;
  const said = issues.slice(0, SHOWN_ISSUES).map((i) => `${i.field} ${i.message}`);
  if (issues.length > SHOWN_ISSUES) said.push(`and ${issues.length - SHOWN_ISSUES} more`);
  const shownIssues = issues.slice(0, SHOWN_ISSUES).map((i) => ({ ...i, field: i.field.replace(/^\w+\.?/, '') }));
  return new DomainError(code, said.join('; '), {
    issues: shownIssues,
    ...(issues.length > SHOWN_ISSUES ? { moreIssues: issues.length - SHOWN_ISSUES } : {}),
  });
}

/** Routes that declare `config.invalidCode` refuse a wrong field with that code. */
export function installInvalidCodes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const code = route.config?.invalidCode;
    if (code && !route.schemaErrorFormatter)
      route.schemaErrorFormatter = (errors, part) => schemaError(errors, part, code);
  });
}
