// `flowport serve`: start the server on the configured address and shut down gracefully on signals.
import { build } from '../app';
import { configHelp, loadConfig } from '../config/config';
import { parse, type Options } from './args';

export const SERVE_HELP = `Usage: flowport serve [options]

Starts the Flowport server. Options (each also settable by the environment variable shown,
or in a JSON file given with --config / FLOWPORT_CONFIG):
  --config FILE                                  JSON configuration file
${configHelp()}
`;

const OPTIONS: Options = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'admin-password': { type: 'string' },
  'log-level': { type: 'string' },
  'log-stdout': { type: 'boolean' },
  'web-dir': { type: 'string' },
  'examples-dir': { type: 'string' },
  'seed-examples': { type: 'string' },
  'metrics-token': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'database-url': { type: 'string' },
  'storage-dir': { type: 'string' },
  'watch-polling': { type: 'string' },
  'redis-url': { type: 'string' },
  'node-name': { type: 'string' },
};

export async function serveCommand(argv: string[]): Promise<number | undefined> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const config = loadConfig(values as Record<string, string | boolean | undefined>);
  const app = await build(config, {
    onFirstAdmin: (name, password, generated) => {
      if (generated) {
        process.stdout.write(
          `\nFirst administrator created.\n  user:     ${name}\n  password: ${password}\nThis password is shown only once; change it on the Administration page.\n\n`,
        );
      } else
        process.stdout.write(`First administrator "${name}" created with the password from FLOWPORT_ADMIN_PASSWORD.\n`);
    },
  });
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`Flowport listening at http://${shownHost}:${port}\n`);
  app.log.info({ host: config.host, port, dataDir: config.dataDir }, 'listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = app.services.params.get().serverStopTimeoutSeconds * 1000;
    app.log.info({ signal, timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.warn('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (err) => {
        app.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return undefined;
}
