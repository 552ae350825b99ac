import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  depthExceededAt,
  jsonBodyError,
  jsonErrorPosition,
  lineAndColumn,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  tooDeepError,
} from './json-body';

function refusal(body: string) {
  try {
    JSON.parse(body);
  } catch (err) {
    return jsonBodyError(body, err);
  }
  throw new Error(`${body} parsed`);
}

describe('JSON body errors', () => {
  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
    expect(lineAndColumn('ab\n', 3)).toEqual({ line: 2, column: 1 });
  });

  it('says what is wrong and where, for a body on several lines', () => {
    const err = refusal('{\n  "inputs": {\n    "names": [{"name": "a"},]\n  }\n}');
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.details).toEqual({ line: 3, column: 29, position: 44 });
    expect(err.message).toBe(
      'The request body is not valid JSON (its Content-Type says application/json): unexpected "]", at line 3, column 29',
    );
  });

  it('tells a body that ends too early, at its end', () => {
    const err = refusal('{"inputs": ');
    expect(err.details).toEqual({ line: 1, column: 12, position: 11 });
    expect(err.message).toMatch(/: it ends before it is complete .*, at line 1, column 12$/);
  });

  it('points at what follows a complete value', () => {
    const err = refusal('{"a": 1}\n{"b": 2}');
    expect(err.details).toMatchObject({ line: 2, column: 1 });
  });

  it.each([
    ['{"a":tru}', 8],
    ['{"a":"x\u0001"}', 7],
    ['{"a" 1}', 5],
    ['{a:1}', 1],
    ['[1,]', 3],
    ['[01]', 2],
    ['[1.]', 3],
    ['[1e]', 3],
    ['["\\x"]', 3],
    ['["\\u12G4"]', 6],
    ['{"a":[1,2}', 9],
    ['[[[[[[', 6],
    ['"abc', 4],
    ['  ', 2],
    ['{} x', 3],
  ])('finds where %j stops being JSON', (text, position) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorPosition(text)).toBe(position);
  });

  it('finds no mistake in any JSON, and one in it cut short', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonErrorPosition(text)).toBeUndefined();
        const cut = text.trimEnd().slice(0, -1);
        let valid = true;
        try {
          JSON.parse(cut);
        } catch {
          valid = false;
        }
        if (!valid) expect(jsonErrorPosition(cut)).toBeDefined();
        else expect(jsonErrorPosition(cut)).toBeUndefined();
      }),
    );
  });

  it('scans nesting deeper than any stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(jsonErrorPosition(deep)).toBeUndefined();
    expect(jsonErrorPosition(deep.slice(0, -1))).toBe(deep.length - 1);
  });

  it('passes on a refusal that has no position as it is', () => {
    const err = jsonBodyError('{"__proto__": {}}', new SyntaxError('Object contains forbidden prototype property'));
    expect(err.message).toBe('The request body cannot be taken: Object contains forbidden prototype property');
  });
});

describe('JSON nesting depth', () => {
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('takes a body exactly MAX_JSON_DEPTH deep and refuses one level more', () => {
    expect(nestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan([[], [[[]]], 1], 3)).toBe(true);
    expect(nestsDeeperThan([[], [[1]], 'x'], 3)).toBe(false);
    expect(nestsDeeperThan('[[[[', 1)).toBe(false);
  });

  it('walks a 100,000-deep value without recursion', () => {
    expect(nestsDeeperThan(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), MAX_JSON_DEPTH)).toBe(true);
  });

  it('agrees with the text scan, brackets inside strings and escaped quotes skipped', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 5 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(depthExceededAt(text, max) !== -1).toBe(nestsDeeperThan(value, max));
      }),
    );
    expect(depthExceededAt('{"a": "[[[\\"[[", "b": [[1]]}', 3)).toBe(-1);
    expect(depthExceededAt('{"a": "[[[\\"[[", "b": [[1]]}', 2)).toBe(23);
  });

  it('says how deep the body may be and where it goes deeper', () => {
    const text = `{\n  "x": ${nested(MAX_JSON_DEPTH)}\n}`;
    const err = tooDeepError(text);
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(
      `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep (level ${MAX_JSON_DEPTH + 1} opens at line 2, column ${8 + 5 * (MAX_JSON_DEPTH - 1)}); send a flatter body`,
    );
  });
});
