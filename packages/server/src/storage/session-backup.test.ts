import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { writeBackup } from './session-backup';

it('writes unsaved work under the session folder with a timestamped, safe name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowport-backup-'));
  const file = await writeBackup(
    dir,
    'alice:k3j9',
    '../../Credit scoring',
    'name: x\n',
    new Date('2025-01-02T03:04:05.678Z'),
  );
  expect(path.dirname(file)).toBe(path.join(dir, 'alice_k3j9'));
  expect(path.basename(file)).toBe('2025-01-02T03-04-05-678Z-__.._Credit_scoring.pkg.yaml');
  expect(await fs.readFile(file, 'utf8')).toBe('name: x\n');
  await fs.rm(dir, { recursive: true, force: true });
});
