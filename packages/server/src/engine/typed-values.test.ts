import { describe, expect, it } from 'vitest';
import { checkValue, parseIsoDate } from './typed-values';

describe('dates', () => {
  it('accepts a real date of any four-digit year, the first century included', () => {
    expect(parseIsoDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
    expect(parseIsoDate('0099-12-31')).toEqual({ year: 99, month: 12, day: 31 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(checkValue('date', '0050-06-15')).toEqual({ value: '0050-06-15' });
  });

  it('refuses impossible dates and other spellings', () => {
    for (const text of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '24-01-01', '2024/01/01'])
      expect(parseIsoDate(text)).toBeUndefined();
    expect(checkValue('date', '2023-02-29')).toEqual({ error: 'must be a date written YYYY-MM-DD, got "2023-02-29"' });
  });
});
