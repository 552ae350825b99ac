// The value rules (BATCH_HELP) of `flowport batch --var`: explicit forms, then boolean, integer, number, date, string.
import { describe, expect, it } from 'vitest';
import { BatchValueError, parseBatchValue, parseVariableAssignments } from './batch-values';

describe('parseBatchValue: explicit forms', () => {
  it.each([
    ['null', 'null', null],
    ['0.5', 'number', 0.5],
    ['-1.25', 'number', -1.25],
    ['.5', 'number', 0.5],
    ['5.', 'number', 5],
    ['1.5e3', 'number', 1500],
    ['2024-01-31', 'date', '2024-01-31'],
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ["'hello world'", 'string', 'hello world'],
  ])('%s is %s', (text, type, value) => {
    expect(parseBatchValue(text)).toEqual({ type, value });
  });

  it('takes a quoted string literally, whatever it looks like', () => {
    expect(parseBatchValue("'007'")).toEqual({ type: 'string', value: '007' });
    expect(parseBatchValue("'null'")).toEqual({ type: 'string', value: 'null' });
    expect(parseBatchValue("'true'")).toEqual({ type: 'string', value: 'true' });
    expect(parseBatchValue("'2024-01-31'")).toEqual({ type: 'string', value: '2024-01-31' });
    expect(parseBatchValue("'1.5'")).toEqual({ type: 'string', value: '1.5' });
    expect(parseBatchValue("''")).toEqual({ type: 'string', value: '' });
    expect(parseBatchValue("'it's'")).toEqual({ type: 'string', value: "it's" });
  });
});

describe('parseBatchValue: otherwise tried as boolean, integer, number, date, string', () => {
  it('reads booleans in any letter case', () => {
    expect(parseBatchValue('TRUE')).toEqual({ type: 'boolean', value: true });
    expect(parseBatchValue('False')).toEqual({ type: 'boolean', value: false });
  });

  it('reads integers, with a sign and leading zeros', () => {
    expect(parseBatchValue('42')).toEqual({ type: 'integer', value: 42 });
    expect(parseBatchValue('-7')).toEqual({ type: 'integer', value: -7 });
    expect(parseBatchValue('+3')).toEqual({ type: 'integer', value: 3 });
    expect(parseBatchValue('007')).toEqual({ type: 'integer', value: 7 });
    expect(parseBatchValue('0')).toEqual({ type: 'integer', value: 0 });
  });

  it('reads numbers without a point (exponents, integers beyond 2^53)', () => {
    expect(parseBatchValue('1e3')).toEqual({ type: 'number', value: 1000 });
    expect(parseBatchValue('-2E-2')).toEqual({ type: 'number', value: -0.02 });
    expect(parseBatchValue('12345678901234567890')).toEqual({ type: 'number', value: Number('12345678901234567890') });
  });

  it('reads ISO 8601 date-times as dates and refuses impossible dates', () => {
    expect(parseBatchValue('2024-01-31T10:20:30Z')).toEqual({ type: 'date', value: '2024-01-31T10:20:30Z' });
    expect(parseBatchValue('2024-01-31T10:20')).toEqual({ type: 'date', value: '2024-01-31T10:20' });
    expect(parseBatchValue('2024-01-31T10:20:30.5+03:00')).toEqual({
      type: 'date',
      value: '2024-01-31T10:20:30.5+03:00',
    });
    expect(parseBatchValue('2024-02-29')).toEqual({ type: 'date', value: '2024-02-29' });
    expect(parseBatchValue('2023-02-29')).toEqual({ type: 'string', value: '2023-02-29' });
    expect(parseBatchValue('2024-13-01')).toEqual({ type: 'string', value: '2024-13-01' });
    expect(parseBatchValue('2024-01-31T25:00')).toEqual({ type: 'string', value: '2024-01-31T25:00' });
  });

  it('falls back to a string', () => {
    for (const text of ['hello', 'hello world', '', "'", 'NULL', 'Infinity', 'NaN', '0x10', '1,5', '"quoted"', 'yes']) {
      expect(parseBatchValue(text)).toEqual({ type: 'string', value: text });
    }
  });
});

describe('parseVariableAssignments', () => {
  it('splits at the first = and parses each value', () => {
    expect(
      parseVariableAssignments(['threshold=0.7', 'rows=10', 'label=a=b', 'day=2024-05-01', 'none=null', 'empty=']),
    ).toEqual({
      threshold: 0.7,
      rows: 10,
      label: 'a=b',
      day: '2024-05-01',
      none: null,
      empty: '',
    });
  });

  it('refuses a pair without =, a bad name and a name given twice', () => {
    expect(() => parseVariableAssignments(['threshold'])).toThrow(BatchValueError);
    expect(() => parseVariableAssignments(['threshold'])).toThrow(/NAME=VALUE/);
    expect(() => parseVariableAssignments(['1x=2'])).toThrow(/not a variable name/);
    expect(() => parseVariableAssignments(['=2'])).toThrow(/not a variable name/);
    expect(() => parseVariableAssignments(['a=1', 'a=2'])).toThrow(/given twice/);
  });
});
