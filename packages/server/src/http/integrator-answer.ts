// The Integrator's answer bodies: the JSON answer written around the rows' text, and NDJSON streamed with backpressure.
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ColumnInfo, RowSink, RunResult } from '../engine';

export const NDJSON = 'application/x-ndjson';
/** Response header of a streamed answer: the result's columns, as JSON (non-ASCII escaped). */
export const COLUMNS_HEADER = 'x-flowport-columns';
/** Trailer of a streamed answer: how many rows it held, once they are all sent. */
export const ROWS_TRAILER = 'x-flowport-rows';

/** The caller asks for every row as NDJSON (`Accept: application/x-ndjson`). */
export function wantsNdjson(accept: string | undefined): boolean {
  return accept !== undefined && accept.toLowerCase().includes(NDJSON);
}

/**
 * The JSON answer (protocol's IntegratorAnswer), written around the rows' UTF-8 JSON (DuckDB's bytes, or one JSON.stringify of
 * the rows): exactly the bytes the route answered when it returned the object, without taking the
 * rows apart, nor decoding them into a string only to encode it again for the socket.
 */
export function answerBody(requestId: string, node: string, result: RunResult): Buffer {
  const rows = result.rowsJson ?? Buffer.from(JSON.stringify(result.rows ?? []), 'utf8');
  const total = result.total ?? result.rows?.length ?? 0;
  return Buffer.concat([
    Buffer.from(`{"requestId":${JSON.stringify(requestId)},"node":${JSON.stringify(node)},"rows":`, 'utf8'),
    rows,
    Buffer.from(
      `,"columns":${JSON.stringify(result.columns ?? [])},"total":${total},"truncated":${result.truncated ?? false}}`,
      'utf8',
    ),
  ]);
}

/** A header value holds Latin-1 only: JSON with every other character escaped. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A streamed answer: nothing is sent until the first rows are ready, so an error before them is an ordinary answer. */
export interface NdjsonAnswer {
  sink: RowSink;
  /** Whether the 200 and the first rows have gone out (an error then can only cut the stream). */
  readonly started: boolean;
  /** All rows were written: the stream ends, and its trailer says how many. */
  end(rows: number): void;
  /** The rows stopped part way: the connection is cut, so the caller cannot take a part for the whole. */
  fail(err: Error): void;
}

/**
 * Rows go to the reply through a stream that Fastify pipes to the socket; a write waits while the
 * stream is full (up to its 16 KiB mark plus one DuckDB chunk), so memory does not grow with the
 * rows however slowly the caller reads. When the caller goes, Fastify destroys the stream and a
 * waiting write returns: the call's controller has been aborted, which stops DuckDB.
 */
export function ndjsonAnswer(reply: FastifyReply): NdjsonAnswer {
  const out = new PassThrough();
  let started = false;
  let rows = 0;
  const waitForRoom = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  return {
    get started() {
      return started;
    },
    sink: {
      begin(columns: ColumnInfo[]) {
        started = true;
        void reply
          .type(`${NDJSON}; charset=utf-8`)
          .header(COLUMNS_HEADER, asciiJson(columns))
          .trailer(ROWS_TRAILER, (_reply, _payload, done) => done(null, String(rows)));
        void reply.send(out);
      },
      write(text: string) {
        if (out.destroyed) return;
        if (!out.write(text)) return waitForRoom();
      },
    },
    end(n: number) {
      rows = n;
      out.end();
    },
    fail(err: Error) {
      out.destroy(err);
    },
  };
}
