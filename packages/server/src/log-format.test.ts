import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { redactSecrets, useFlatLines } from './log-format';

/** Two loggers alike but for the flat-line writer; each call answers the line both wrote. */
function twins() {
  const written: string[] = [];
  const options = {
    base: { service: 'flowport' },
    timestamp: () => ',"time":"2026-11-27T00:00:00.000Z"',
    formatters: { log: redactSecrets },
  };
  const general = pino(options, { write: (s: string) => void written.push(s) });
  const flat = pino(options, { write: (s: string) => void written.push(s) });
  useFlatLines(flat);
  // Else both would write through pino's own path and every comparison below would hold trivially.
  const asJson = (l: pino.Logger) => (l as unknown as Record<symbol, unknown>)[pino.symbols.asJsonSym];
  expect(asJson(flat)).not.toBe(asJson(general));
  return (write: (l: pino.Logger) => void): [string, string] => {
    written.length = 0;
    write(general);
    write(flat);
    return [written[0]!, written[1]!];
  };
}

// Well-formed text (pino writes a lone surrogate raw, JSON.stringify escapes it) with the characters
// JSON must escape mixed in.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\u007f', 'é', '\u2028', '😀'), maxLength: 12 }),
);
const flatValue = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));

describe('flat log lines', () => {
  it('are the very text pino writes, for any flat line and message', () => {
    const line = twins();
    fc.assert(
      fc.property(fc.dictionary(text, flatValue, { maxKeys: 8 }), fc.option(text, { nil: undefined }), (obj, msg) => {
        const [general, flat] = line((l) => l.info(obj, msg));
        expect(flat).toBe(general);
      }),
      { numRuns: 500 },
    );
  });

  it('leave errors, nested objects and child loggers to pino, with the same text', () => {
    const line = twins();
    const err = new Error('boom');
    for (const write of [
      (l: pino.Logger) => l.info({ err, session: 'ann:1' }, 'failed'),
      (l: pino.Logger) => l.info({ nested: { rows: 2, password: 'secret' }, list: [1, 2] }, 'nested'),
      (l: pino.Logger) => l.child({ execution: 'e1' }).info({ node: 'scored' }, 'from a child'),
      (l: pino.Logger) => l.info('only a message'),
      (l: pino.Logger) => l.warn({ token: 'secret', n: 1 }),
    ]) {
      const [general, flat] = line(write);
      expect(flat).toBe(general);
    }
    expect(line((l) => l.info({ token: 'secret' }, 'x'))[1]).not.toContain('secret');
  });
});
