// A call's cancellation made as its request arrives, cancelled when the HTTP caller goes away before its answer is written (Integrator and batch routes).
import type { FastifyReply } from 'fastify';
import { CallCancellation } from '../workspace/call-cancellation';

export function cancelWhenCallerGone(reply: FastifyReply): { cancellation: CallCancellation; dispose(): void } {
  const cancellation = new CallCancellation();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) cancellation.callerGone();
  };
  res.once('close', onClose);
  if (res.destroyed) onClose();
  return { cancellation, dispose: () => res.off('close', onClose) };
}
