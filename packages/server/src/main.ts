// The flowport command's entry point: dispatches to serve, users, params and batch.
import { runCli } from './cli/cli';

const code = await runCli(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
