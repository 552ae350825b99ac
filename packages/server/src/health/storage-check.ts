// Readiness of the file storage: a probe file really written, read back and removed in the storage root.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckError, type ReadinessCheck } from './readiness';

/**
 * Hidden (leading dot) and ending in .tmp, as the atomic saves' temporary files: the storage
 * watcher and listings skip it. A read-only mount, a full disk, a root gone or replaced by a
 * file all fail the write (EROFS, ENOSPC, ENOENT, ENOTDIR).
 */
export function storageCheck(root: string): ReadinessCheck {
  return {
    name: 'storage',
    async check() {
      const probe = path.join(root, `.flowport-ready-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
      const content = `ready ${Date.now()}`;
      try {
        await fs.writeFile(probe, content, { flag: 'wx' });
        if ((await fs.readFile(probe, 'utf8')) !== content) throw new CheckError('the probe file read back differs');
      } catch (err) {
        await fs.rm(probe, { force: true }).catch(() => undefined);
        throw err;
      }
      await fs.unlink(probe);
    },
  };
}
