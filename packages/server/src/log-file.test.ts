import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFile } from './log-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileIn(...parts: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-logfile-'));
  dirs.push(dir);
  return path.join(dir, ...parts);
}

describe('log file', () => {
  it('holds lines back until a batch is full, then appends them in one piece, in order', () => {
    const file = fileIn('logs', 'flowport.log'); // the folder is made
    const log = new LogFile(file, 100);
    log.write('{"a":1}\n');
    log.write('{"a":2}\n');
    expect(statSync(file).size).toBe(0);
    const long = `{"text":"${'x'.repeat(90)}"}\n`;
    log.write(long);
    expect(readFileSync(file, 'utf8')).toBe(`{"a":1}\n{"a":2}\n${long}`);
    log.write('{"a":3}\n');
    log.flush();
    expect(readFileSync(file, 'utf8')).toBe(`{"a":1}\n{"a":2}\n${long}{"a":3}\n`);
  });

  it('appends to what the file already holds and keeps characters beyond ASCII whole', () => {
    const file = fileIn('flowport.log');
    writeFileSync(file, 'before\n');
    const log = new LogFile(file, 8 * 1024);
    const lines = ['Диспетчер сессий\n', '数据\n', 'emoji 🚀\n'];
    for (const l of lines) log.write(l);
    log.flushSync();
    expect(readFileSync(file, 'utf8')).toBe(`before\n${lines.join('')}`);
  });

  it("calls pino's flush callback after writing", () => {
    const file = fileIn('flowport.log');
    const log = new LogFile(file, 8 * 1024);
    log.write('line\n');
    let seen = '';
    log.flush(() => (seen = readFileSync(file, 'utf8')));
    expect(seen).toBe('line\n');
  });

  it('tells a failing file once, drops those lines and never throws into the caller', () => {
    // /dev/full refuses every write with ENOSPC, as a full disk does.
    const errors: string[] = [];
    const log = new LogFile('/dev/full', 10, (err, file) =>
      errors.push(`${(err as NodeJS.ErrnoException).code} ${file}`),
    );
    for (let i = 0; i < 5; i++) expect(log.write(`line ${i} of a full disk\n`)).toBe(true);
    expect(() => log.flushSync()).not.toThrow();
    expect(errors).toEqual(['ENOSPC /dev/full']);
  });
});
