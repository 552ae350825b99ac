// A real Flowport server in a child process (through tsx), listening on 127.0.0.1: for measuring the server's own memory.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  base: string;
  pid: number;
  /** `Bearer …` of the administrator. */
  bearer: string;
  /** The process's resident set size now, in bytes (VmRSS of /proc/<pid>/status). */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts the child of server-process-child.ts; `files` are written into its storage (path → text). */
export async function startServerProcess(files: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./server-process-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; bearer: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; bearer: string }));
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
    child.send({ files });
  });
  return {
    base: `http://127.0.0.1:${ready.port}`,
    pid: child.pid!,
    bearer: ready.bearer,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    },
  };
}
