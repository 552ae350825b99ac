// Runs tasks one at a time per key (a path's saves in this process), tasks of other keys meanwhile.

export class KeyedQueue {
  /** The last task queued per key; removed when it is the last and has settled, so idle keys cost nothing. */
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    // A failed task does not fail the next one: it only has to wait for it.
    const result = before.catch(() => {}).then(task);
    const tail = result.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
