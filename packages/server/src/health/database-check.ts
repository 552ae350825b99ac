// Readiness of the database: the connection is open, answers a read, and its file is still the one opened.
import { promises as fs, statSync } from 'node:fs';
import type { Db } from '../db/database';
import { CheckError, type ReadinessCheck } from './readiness';

/**
 * SQLite keeps answering from a file removed or replaced under it, but nothing written then
 * survives a restart: the file is compared with the one opened (its inode) as well.
 */
export function databaseCheck(db: Db, file: string): ReadinessCheck {
  const opened = statSync(file).ino;
  return {
    name: 'database',
    async check() {
      if (!db.open) throw new CheckError('the database connection is closed');
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } catch (err) {
        throw new CheckError(`the database does not answer (${(err as { code?: string }).code ?? 'error'})`);
      }
      const now = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
        throw new CheckError(
          err.code === 'ENOENT' ? 'the database file is gone' : `the database file cannot be read (${err.code})`,
        );
      });
      if (now.ino !== opened) throw new CheckError('the database file was replaced since the server opened it');
    },
  };
}
