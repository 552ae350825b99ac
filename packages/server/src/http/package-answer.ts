// A package's answer (PackageDto): serialised by the route's schema, or, with thousands of nodes, written a slice of nodes per turn of the event loop.
import { Readable } from 'node:stream';
import type { PackageDto } from '@flowport/protocol';
import type { FastifyReply } from 'fastify';

/**
 * Nodes serialised in one go. A 60,000-node answer (~5 MB) serialised at once held the event loop
 * ~100 ms, with the garbage of one string that size; sliced, other requests pass between slices.
 */
export const NODES_AT_ONCE = 2000;

export function sendPackage(reply: FastifyReply, status: number, dto: PackageDto): FastifyReply {
  if (dto.nodes.length <= NODES_AT_ONCE) return reply.status(status).send(dto);
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(Readable.from(slices(dto)));
}

/** The same JSON text as JSON.stringify(dto), with `nodes` last, in slices. */
export async function* slices(dto: PackageDto): AsyncGenerator<string> {
  const { nodes, ...head } = dto;
  const headText = JSON.stringify(head);
  yield `${headText.slice(0, -1)}${headText === '{}' ? '' : ','}"nodes":[`;
  for (let i = 0; i < nodes.length; i += NODES_AT_ONCE) {
    const part = JSON.stringify(nodes.slice(i, i + NODES_AT_ONCE));
    yield `${i ? ',' : ''}${part.slice(1, -1)}`;
    await new Promise((r) => setImmediate(r));
  }
  yield ']}';
}
