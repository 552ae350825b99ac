// A refused request's body: a small one is read and dropped (the connection stays), a larger one is never read and its connection ends after the answer.
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttpError } from './error-mapping';

/** A refused body up to this size is read and dropped, so the connection can serve the next request. */
export const SMALL_BODY_LIMIT = 64 * 1024;

/** How long an ended connection waits for its client to read the answer before it is cut. */
const LINGER_MS = 1000;

/**
 * Answers a refused request whose body is larger than SMALL_BODY_LIMIT, or of unknown length, on
 * its socket, leaving the body unread; returns false for a smaller one (answered the usual way).
 *
 * Through Node's response either way would read it: a keep-alive answer reads the whole body to
 * drop it, and a `Connection: close` answer destroys the socket once written, so that with the body
 * still arriving the kernel resets the connection and a client still sending loses the answer (7 of
 * 24 clients sending 10 MB did, with EPIPE). Here the socket stops reading (TCP holds the client
 * back; Node has buffered a stream's high-water mark at most), the answer goes out with
 * `Connection: close` and our end of the connection closes after it, and the socket is cut
 * LINGER_MS later: time for the client to read the answer.
 */
export function answerUnread(request: FastifyRequest, reply: FastifyReply, err: unknown): boolean {
  const length = request.headers['content-length'];
  const unknownLength = request.headers['transfer-encoding'] !== undefined;
  if (!unknownLength && (length === undefined || Number(length) <= SMALL_BODY_LIMIT)) return false;
  const socket = request.raw.socket;
  if (!socket || request.headers.upgrade) return false;
  const { status, body } = toHttpError(err);
  request.log.debug({ code: body.error.code, status, unread: true }, body.error.message);
  void reply.hijack();
  socket.pause();
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(text)}\r\n` +
      'connection: close\r\n\r\n' +
      text,
  );
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  return true;
}
