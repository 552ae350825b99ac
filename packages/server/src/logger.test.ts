import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactSecrets } from './log-format';
import { createLogger } from './logger';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-log-'));
  dirs.push(dir);
  return dir;
}

function linesOf(dir: string): Record<string, unknown>[] {
  const file = path.join(dir, 'flowport.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('server log', () => {
  it('has every line in the file once flushed, in order, with secrets redacted', () => {
    const dir = tempDir();
    const log = createLogger(dir, 'info', false);
    for (let i = 0; i < 100; i++) log.logger.info({ i, password: 'secret', nested: { password: 'x' } }, 'line');
    log.logger.debug('below the level');
    log.flush();
    const lines = linesOf(dir);
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(lines[0]).toMatchObject({ password: '[redacted]', nested: { password: '[redacted]' }, msg: 'line' });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it("censors tokens, request credentials and child bindings without touching the caller's objects", () => {
    const dir = tempDir();
    const log = createLogger(dir, 'info', false);
    const req = { method: 'POST', headers: { authorization: 'Bearer abc', cookie: 'sid=abc', host: 'h' } };
    log.logger.info({ req, token: 'tok-secret', user: { name: 'ann', csrfToken: 'csrf-secret' } }, 'request');
    log.logger.child({ password: 'child-secret', session: 'ann:1' }).info('from a child');
    log.flush();
    const [first, second] = linesOf(dir);
    expect(first).toMatchObject({
      req: { method: 'POST', headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'h' } },
      token: '[redacted]',
      user: { name: 'ann', csrfToken: '[redacted]' },
    });
    expect(second).toMatchObject({ password: '[redacted]', session: 'ann:1', msg: 'from a child' });
    expect(JSON.stringify([first, second])).not.toMatch(/secret|abc/);
    expect(req.headers.authorization).toBe('Bearer abc');
  });

  it('passes a line without secrets through as it is', () => {
    const line = { session: 'ann:1', requestId: 'r1', nested: { rows: 2 } };
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets({ ...line, token: undefined })).toEqual({ ...line, token: undefined });
  });

  it('censors any key naming a password, secret, token, credential, authorization or cookie, in any case', () => {
    const line = {
      newPassword: 'a',
      Authorization: 'b',
      apiToken: 'c',
      clientSecret: 'd',
      nested: { oldPasswd: 'e', Cookie: 'f', credentials: 'g' },
      passed: 3,
      user: 'ann',
    };
    expect(redactSecrets(line)).toEqual({
      newPassword: '[redacted]',
      Authorization: '[redacted]',
      apiToken: '[redacted]',
      clientSecret: '[redacted]',
      nested: { oldPasswd: '[redacted]', Cookie: '[redacted]', credentials: '[redacted]' },
      passed: 3,
      user: 'ann',
    });
  });

  it('writes a line out within the flush interval without being asked', async () => {
    const dir = tempDir();
    const log = createLogger(dir, 'info', false);
    log.logger.info('soon');
    const until = Date.now() + 3000;
    let lines: Record<string, unknown>[] = [];
    while (Date.now() < until && !lines.length) {
      await new Promise((r) => setTimeout(r, 100));
      lines = linesOf(dir);
    }
    expect(lines).toEqual([expect.objectContaining({ msg: 'soon', level: 30 })]);
    log.flush();
  });
});
