// Entry of a parse worker (started by parse-pool.ts): parses package texts away from the server's event loop.
import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../shared/domain-error';
import { parsePackage } from './package-parser';
import { packParse, type ParseReply, type ParseRequest } from './parse-transfer';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread, started by parse-pool.ts');

port.on('message', (req: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: req.id, result: packParse(parsePackage(req.text, req.file, req.maxBytes)) };
  } catch (err) {
    reply = isDomainError(err)
      ? { id: req.id, error: { code: err.code, message: err.message, details: err.details } }
      : {
          id: req.id,
          error: { code: 'INTERNAL', message: `Parsing failed: ${(err as Error)?.message ?? String(err)}` },
        };
  }
  port.postMessage(reply);
});
