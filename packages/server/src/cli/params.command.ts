// `flowport params get|set`: read and change the stored server parameters.
import { PARAMETER_DEFS } from '@flowport/protocol';
import { loadConfig } from '../config/config';
import { dataPaths } from '../data-dir';
import { openState } from '../db/open-state';
import { DATA_DIR_OPTION, parse, UsageError } from './args';

export const PARAMS_HELP = `Usage: flowport params get [KEY] [--data-dir DIR | --database-url URL]
       flowport params set KEY=VALUE [KEY=VALUE ...] [--data-dir DIR | --database-url URL]

Parameters (a server running on the same data directory, or every node on the same PostgreSQL
database, applies a change within a second):
${PARAMETER_DEFS.map((d) => `  ${d.key.padEnd(30)} default ${String(d.default).padEnd(10)} ${d.help}`).join('\n')}
`;

export async function paramsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, DATA_DIR_OPTION);
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    process.stdout.write(PARAMS_HELP);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(values as Record<string, string | boolean | undefined>);
  const state = await openState({ databaseUrl: config.databaseUrl, databaseFile: dataPaths(config.dataDir).database });
  try {
    const store = state.params;
    if (sub === 'get') {
      const all = store.get() as unknown as Record<string, unknown>;
      if (rest[0] && !(rest[0] in all))
        throw new UsageError(`unknown parameter "${rest[0]}"; see flowport params --help`);
      for (const [k, v] of Object.entries(all))
        if (!rest[0] || rest[0] === k) process.stdout.write(`${k}=${String(v)}\n`);
      return 0;
    }
    if (sub === 'set') {
      if (rest.length === 0) throw new UsageError('give at least one KEY=VALUE');
      const update: Record<string, string> = {};
      for (const pair of rest) {
        const i = pair.indexOf('=');
        if (i <= 0) throw new UsageError(`"${pair}" is not KEY=VALUE`);
        update[pair.slice(0, i)] = pair.slice(i + 1);
      }
      // The values and their audit entry in one transaction; refused values are recorded too.
      await state.audit.attempt(
        { actor: 'cli', action: 'parameters.update', target: null, details: { values: update } },
        () => store.prepareUpdate(update),
      );
      process.stdout.write(`Set ${Object.keys(update).join(', ')}.\n`);
      return 0;
    }
    throw new UsageError(`unknown command "params ${sub}"; use get or set`);
  } finally {
    await state.close();
  }
}
