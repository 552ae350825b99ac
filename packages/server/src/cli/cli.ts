// Dispatches `flowport <command>` and maps errors to messages and exit codes (2: usage, 1: failure).
import { ConfigError } from '../config/config';
import { isDomainError } from '../shared/domain-error';
import { DatabaseError } from '../db/database';
import { UsageError } from './args';
import { paramsCommand } from './params.command';
import { serveCommand } from './serve.command';
import { usersCommand } from './users.command';

export const MAIN_HELP = `Usage: flowport <command> [options]

Commands:
  serve      Start the server (flowport serve --help)
  users      Manage users: add, list, set-roles, passwd, block, unblock, remove
  params     Read and change server parameters: get, set
  batch      Run a package on a running server (flowport batch --help)
  migrate-data  Copy a data directory's users, parameters, audit log, history and file records into PostgreSQL

Run "flowport <command> --help" for the options of a command.
`;

type Command = (argv: string[]) => Promise<number | undefined>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => serveCommand,
  users: async () => usersCommand,
  params: async () => paramsCommand,
  batch: async () => (await import('./batch.command')).batchCommand,
  'migrate-data': async () => (await import('./migrate-data.command')).migrateDataCommand,
};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

export async function runCli(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`flowport: unknown command "${name}"\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`flowport ${name}: ${err.message}\nRun "flowport ${name} --help" for usage.\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof DatabaseError) {
      process.stderr.write(`flowport ${name}: ${err.message}\n`);
      return 2;
    }
    if (isDomainError(err)) {
      process.stderr.write(`flowport ${name}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`flowport ${name}: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
