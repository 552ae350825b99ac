// The JSON request body parser: Fastify's own rules, a nesting limit, and errors that say where the body is wrong.
import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { DomainError } from '../shared/domain-error';

/** As Fastify parses by default: a `__proto__` or `constructor.prototype` key is refused. */
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/**
 * How deep objects and arrays may nest in a body. The deepest real body is an Integrator row with
 * nested LIST or STRUCT values, a handful of levels; far deeper ones (100,000 levels fit in 200 kB)
 * would overflow the stack of whatever recursive code reads them next (JSON.stringify, validators).
 */
export const MAX_JSON_DEPTH = 64;

const EMPTY_JSON_BODY =
  'The request body is empty but its Content-Type says application/json: send a JSON object, or no Content-Type';

/** Line and column, both from 1, of the character at `position` of `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}

const OBJECT = 0;
const ARRAY = 1;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ESCAPES = new Set('"\\/bfnrtu'.split('').map((ch) => ch.charCodeAt(0)));

/**
 * Where `text` stops being JSON (RFC 8259): the position of the first character that cannot be
 * there, `text.length` when it ends too early, or undefined when it is JSON. V8's own messages name a
 * position for some mistakes only. Iterative, so any depth of nesting is scanned.
 */
export function jsonErrorPosition(text: string): number | undefined {
  const n = text.length;
  const open: number[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  // Each reader leaves `i` after what it read, or returns false with `i` at the mistake.
  const readString = (): boolean => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c !== 0x5c) continue;
      const e = text.charCodeAt(++i);
      if (!ESCAPES.has(e)) return false;
      if (e === 0x75) for (let k = 0; k < 4; k++) if (!isHex(text.charCodeAt(++i))) return false;
    }
    return false;
  };
  const readDigits = (): boolean => {
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i++;
    return true;
  };
  const readNumber = (): boolean => {
    if (text.charCodeAt(i) === 0x2d) i++;
    if (text.charCodeAt(i) === 0x30) i++;
    else if (!readDigits()) return false;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!readDigits()) return false;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      const sign = text.charCodeAt(++i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!readDigits()) return false;
    }
    return true;
  };
  const readWord = (word: string): boolean => {
    for (const ch of word) {
      if (text[i] !== ch) return false;
      i++;
    }
    return true;
  };
  let want: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipSpace();
    if (i >= n) return want === 'after' && !open.length ? undefined : n;
    const c = text.charCodeAt(i);
    if (want === 'key') {
      if (c !== 0x22 || !readString()) return i;
      skipSpace();
      if (text.charCodeAt(i) !== 0x3a) return i;
      i++;
      want = 'value';
    } else if (want === 'value') {
      if (c === 0x7b || c === 0x5b) {
        i++;
        skipSpace();
        if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
          i++;
          want = 'after';
        } else {
          open.push(c === 0x7b ? OBJECT : ARRAY);
          want = c === 0x7b ? 'key' : 'value';
        }
      } else {
        const ok =
          c === 0x22
            ? readString()
            : c === 0x2d || isDigit(c)
              ? readNumber()
              : c === 0x74
                ? readWord('true')
                : c === 0x66
                  ? readWord('false')
                  : c === 0x6e && readWord('null');
        if (!ok) return i;
        want = 'after';
      }
    } else {
      const inside = open.at(-1);
      if (inside === undefined) return i; // something after a complete value
      if (c === 0x2c) {
        i++;
        want = inside === OBJECT ? 'key' : 'value';
      } else if (c === (inside === OBJECT ? 0x7d : 0x5d)) {
        i++;
        open.pop();
      } else return i;
    }
  }
}

/** What is wrong with a body the JSON parser refused, and where (line and column). */
export function jsonBodyError(body: string, err: unknown): DomainError {
  const position = jsonErrorPosition(body);
  if (position === undefined) {
    // JSON, but refused all the same (a `__proto__` key): the parser's reason is the whole story.
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
    return new DomainError('BAD_REQUEST', `The request body cannot be taken: ${reason}`, { reason });
  }
  const { line, column } = lineAndColumn(body, position);
  const what =
    position >= body.length
      ? 'it ends before it is complete (a missing bracket, brace or quote, or a body cut short)'
      : `unexpected ${JSON.stringify(body.slice(position, position + 1))}`;
  return new DomainError(
    'BAD_REQUEST',
    `The request body is not valid JSON (its Content-Type says application/json): ${what}, at line ${line}, column ${column}`,
    { line, column, position },
  );
}

/**
 * Whether `value` nests objects and arrays deeper than `max`. Walks the parsed value with a stack of
 * its own (never recursion): about a third of the parse's time, and only objects are visited.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (typeof c === 'object' && c !== null) {
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** The position of the bracket or brace that opens level `max + 1` in JSON text (strings skipped). */
export function depthExceededAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** The refusal of a body nested too deep, with where its too-deep part starts. */
export function tooDeepError(text: string, max = MAX_JSON_DEPTH): DomainError {
  const position = depthExceededAt(text, max);
  const { line, column } = lineAndColumn(text, Math.max(position, 0));
  return new DomainError(
    'BAD_REQUEST',
    `The request body nests objects and arrays more than ${max} levels deep (level ${max + 1} opens at line ${line}, column ${column}); send a flatter body`,
    { maxDepth: max, line, column, position },
  );
}

/** Replaces Fastify's JSON parser, which answers a bad body without saying where it is bad. */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(new DomainError('BAD_REQUEST', EMPTY_JSON_BODY), undefined);
    let value: unknown;
    try {
      value = secureJsonParse.parse(text, undefined, PARSE_OPTIONS);
    } catch (err) {
      return done(jsonBodyError(text, err), undefined);
    }
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return done(tooDeepError(text), undefined);
    done(null, value);
  });
}
