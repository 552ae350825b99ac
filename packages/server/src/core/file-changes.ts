// Remembers file changes as numbered epochs, so a load that raced with a change is recognised as stale.

export class FileChanges {
  private counter = 0;
  private readonly last = new Map<string, { epoch: number; fileVersion: string | undefined }>();

  /** The epoch to note before loading. */
  epoch(): number {
    return this.counter;
  }

  record(path: string, fileVersion: string | undefined): void {
    this.last.set(path, { epoch: ++this.counter, fileVersion });
  }

  /**
   * Whether `path` changed after `epoch` into something other than `fileVersion`: a change that
   * names the very version that was loaded does not outdate it.
   */
  changedSince(path: string, epoch: number, fileVersion: string | null): boolean {
    const l = this.last.get(path);
    return l !== undefined && l.epoch > epoch && (l.fileVersion === undefined || l.fileVersion !== fileVersion);
  }
}
