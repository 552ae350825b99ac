// Byte sizes as the Memory column and the server panel show them, in English and Russian.
import { describe, expect, it } from 'vitest';
import { makeFormat } from './manager-format';

describe('bytes', () => {
  it('uses the unit symbols in English, bytes included', () => {
    const f = makeFormat('en-GB');
    expect(f.bytes(0)).toBe('0 B');
    expect(f.bytes(512)).toBe('512 B');
    expect(f.bytes(2.2 * 1024 * 1024)).toBe('2.2 MB');
  });

  it('keeps the Russian symbols', () => {
    const f = makeFormat('ru-RU');
    expect(f.bytes(0)).toBe('0 Б');
    expect(f.bytes(2.2 * 1024 * 1024)).toBe('2,2 МБ');
  });
});
