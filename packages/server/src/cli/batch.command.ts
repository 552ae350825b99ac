// `flowport batch`: runs a package (or one published node) on a running server through POST /api/batch/runs.
import { parseArgs } from 'node:util';
import type { BatchEvent } from '@flowport/protocol';
import { UsageError } from './args';
import { BatchProgress, type ProgressMode, type TextOut } from './batch-progress';
import { BatchValueError, parseVariableAssignments } from './batch-values';

export const BATCH_HELP = `Usage: flowport batch <package path> [--node NAME] [--var NAME=VALUE ...]
                      [--server URL] [--user NAME] [--password-env VAR] [--json]

Runs a package on a running Flowport server, through its package pool, and shows
the progress: a progress bar with the current node on a terminal, one line per
event otherwise. Ctrl+C, SIGTERM or killing the command cancels the run on the
server.

Options:
  --node NAME          Run this published node (and what it needs) instead of the
                       whole package
  --var NAME=VALUE     Set a package variable; repeat for more. VALUE is read as
                       null, a number written with ".", an ISO 8601 date (YYYY-MM-DD),
                       true/false, or a 'quoted string' taken literally; otherwise
                       as a boolean, integer, number, date or, failing all, a string
  --server URL         The server (default: $FLOWPORT_SERVER or http://127.0.0.1:4580)
  --user NAME          User with the Batch execution or Administration role
                       (default: $FLOWPORT_USER)
  --password-env VAR   Environment variable that holds the password
                       (default: FLOWPORT_PASSWORD)
  --json               Print the server's events as JSON lines

Exit codes: 0 success, 1 run failed, 2 bad arguments or login, 130 interrupted.
`;

export interface BatchIo {
  stdout: TextOut;
  stderr: TextOut;
  env: NodeJS.ProcessEnv;
  /** Where interruption signals come from (the process, or a test's emitter). */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

const processIo = (): BatchIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
});

interface BatchArgs {
  path: string;
  node?: string;
  variables: Record<string, unknown>;
  server: URL;
  user: string;
  password: string;
  json: boolean;
}

function parseBatchArgs(argv: string[], env: NodeJS.ProcessEnv): BatchArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        node: { type: 'string' },
        var: { type: 'string', multiple: true },
        server: { type: 'string' },
        user: { type: 'string' },
        'password-env': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length
        ? `one package path, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`
        : 'give the package path, e.g. flowport batch credit/scoring.pkg.yaml',
    );
  }
  const path = parsed.positionals[0]!.replace(/^\/+/, '');
  if (!path.endsWith('.pkg.yaml'))
    throw new UsageError(`"${path}" is not a package path: package files end in .pkg.yaml`);
  if (v.node !== undefined && v.node.trim() === '') throw new UsageError('--node needs a node id');
  let variables: Record<string, unknown>;
  try {
    variables = parseVariableAssignments(v.var ?? []);
  } catch (err) {
    if (err instanceof BatchValueError) throw new UsageError(err.message);
    throw err;
  }
  const serverText = v.server ?? env.FLOWPORT_SERVER ?? 'http://127.0.0.1:4580';
  let server: URL;
  try {
    server = new URL(serverText);
    if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--server "${serverText}" is not an http:// or https:// URL`);
  }
  const user = v.user ?? env.FLOWPORT_USER;
  if (!user) throw new UsageError('no user: give --user NAME or set FLOWPORT_USER');
  const passwordEnv = v['password-env'] ?? 'FLOWPORT_PASSWORD';
  const password = env[passwordEnv];
  if (password === undefined || password === '') {
    throw new UsageError(
      `no password: set the environment variable ${passwordEnv}${v['password-env'] ? '' : ' (or name another with --password-env)'}`,
    );
  }
  return { path, node: v.node, variables, server, user, password, json: v.json ?? false };
}

/** Exit code for an error answer before the run started: login and bad arguments are 2. */
function exitCodeForStatus(status: number): number {
  return status === 400 || status === 401 || status === 403 || status === 404 || status === 429 ? 2 : 1;
}

/** Splits a byte stream into lines. */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, i).trim();
      buffered = buffered.slice(i + 1);
      if (line) yield line;
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) yield rest;
}

export async function batchCommand(argv: string[], io: BatchIo = processIo()): Promise<number> {
  const args = parseBatchArgs(argv, io.env);
  if (args === 'help') {
    io.stdout.write(BATCH_HELP);
    return 0;
  }
  const mode: ProgressMode = args.json ? 'json' : io.stdout.isTTY ? 'tty' : 'lines';
  const progress = new BatchProgress(io.stdout, io.stderr, mode);
  const ctl = new AbortController();
  let interrupted: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    ctl.abort(signal); // closes the connection: the server cancels the run
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  io.signals.on('SIGHUP', onSignal);
  const url = new URL('/api/batch/runs', args.server);
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${args.user}:${args.password}`, 'utf8').toString('base64')}`,
          'content-type': 'application/json',
          accept: 'application/x-ndjson',
        },
        body: JSON.stringify({ package: args.path, node: args.node, variables: args.variables }),
        signal: ctl.signal,
      });
    } catch (err) {
      if (interrupted) {
        progress.interrupted(interrupted);
        return 130;
      }
      const cause = (err as { cause?: { message?: string; code?: string } }).cause;
      io.stderr.write(
        `flowport batch: cannot reach the server at ${args.server.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}\n`,
      );
      return 1;
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      let message = text || res.statusText;
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {}
      io.stderr.write(`flowport batch: ${message} (HTTP ${res.status})\n`);
      return exitCodeForStatus(res.status);
    }
    let finished: Extract<BatchEvent, { type: 'finished' }> | undefined;
    try {
      for await (const line of lines(res.body)) {
        progress.raw(line);
        let event: BatchEvent;
        try {
          event = JSON.parse(line) as BatchEvent;
        } catch {
          continue; // not ours; a proxy's note
        }
        progress.event(event);
        if (event.type === 'finished') finished = event;
      }
    } catch (err) {
      if (interrupted) {
        progress.interrupted(interrupted);
        return 130;
      }
      progress.close();
      io.stderr.write(`flowport batch: the connection to the server broke: ${(err as Error).message}\n`);
      return 1;
    }
    if (interrupted) {
      progress.interrupted(interrupted);
      return 130;
    }
    if (!finished) {
      progress.close();
      io.stderr.write('flowport batch: the server closed the connection before the run finished\n');
      return 1;
    }
    if (finished.outcome === 'done') return 0;
    return finished.error?.code === 'VALIDATION_FAILED' ? 2 : 1;
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
    io.signals.off('SIGHUP', onSignal);
  }
}
