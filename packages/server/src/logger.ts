// The structured server log: JSON lines to the data directory's log file and, if asked, to stdout.
import path from 'node:path';
import pino, { type Logger } from 'pino';

export function createLogger(logDir: string, level: string, toStdout: boolean): Logger {
  const streams: pino.StreamEntry[] = [
    { level: 'trace', stream: pino.destination({ dest: path.join(logDir, 'flowport.log'), mkdir: true, sync: false }) },
  ];
  if (toStdout) streams.push({ level: 'trace', stream: pino.destination({ dest: 1, sync: false }) });
  return pino(
    {
      level,
      base: { service: 'flowport' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach the log, whatever a caller passes.
      redact: {
        paths: ['password', '*.password', 'req.headers.authorization', 'req.headers.cookie', 'token', 'csrfToken'],
        censor: '[redacted]',
      },
    },
    pino.multistream(streams),
  );
}
