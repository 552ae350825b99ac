// Notices commits to the database by another process: the flowport command run while the server runs.

import type { Db } from './database';

export class OtherCommits {
  private version: number;

  constructor(private readonly db: Db) {
    this.version = this.read();
  }

  /** SQLite's `data_version`: it changes for a connection when any other connection commits. */
  private read(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** True when another connection committed since the last call (or since construction). */
  changed(): boolean {
    const now = this.read();
    if (now === this.version) return false;
    this.version = now;
    return true;
  }
}
