// Commands addressed to one node over Redis pub/sub, each answered on the sender's answer channel; 2 s without an answer names the node.
import { randomUUID } from 'node:crypto';
import { DomainError } from '../shared/domain-error';
import type { NodeCommand } from '../manager/cluster-port';
import { keys } from './cluster-keys';
import type { RedisLink } from './redis-link';

/** How long a sender waits for the owner's answer. */
export const ANSWER_TIMEOUT_MS = 2000;

/** What goes over the wire: a command, or one of the internal requests (a snapshot). */
export type WireCommand = NodeCommand | { op: 'snapshot' };

interface Envelope {
  id: string;
  from: string;
  command: WireCommand;
}

interface Answer {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

export class NodeCommands {
  private readonly pending = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly link: RedisLink,
    private readonly self: string,
    private readonly execute: (command: WireCommand) => Promise<unknown>,
  ) {}

  /** Subscribes to this node's command channel and answer channel. */
  async start(): Promise<void> {
    this.link.sub.on('message', (channel: string, text: string) => {
      if (channel === keys.commands(this.self)) void this.answer(JSON.parse(text) as Envelope);
      else if (channel === keys.answers(this.self)) this.settle(JSON.parse(text) as Answer);
    });
    await this.link.sub.subscribe(keys.commands(this.self), keys.answers(this.self));
  }

  async send(node: string, command: WireCommand, timeoutMs = ANSWER_TIMEOUT_MS): Promise<unknown> {
    const unreachable = (why: string) =>
      new DomainError(
        'NODE_UNREACHABLE',
        `Node ${node} did not answer within ${timeoutMs / 1000} s (${why}); it may be stopped or overloaded. Try again, or check that node`,
        { node },
      );
    if (!this.link.up) throw unreachable('Redis cannot be reached');
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(unreachable('no answer'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    const envelope: Envelope = { id, from: this.self, command };
    const receivers = await this.link.cmd.publish(keys.commands(node), JSON.stringify(envelope)).catch(() => 0);
    if (receivers === 0) {
      // Nobody subscribed: the node is not running; no need to wait out the timeout.
      clearTimeout(this.pending.get(id)?.timer);
      this.pending.delete(id);
      throw unreachable('it is not listening');
    }
    return answered;
  }

  private async answer(e: Envelope): Promise<void> {
    let a: Answer;
    try {
      a = { id: e.id, ok: true, result: (await this.execute(e.command)) ?? null };
    } catch (err) {
      const code = err instanceof DomainError ? err.code : 'INTERNAL';
      a = { id: e.id, ok: false, error: { code, message: (err as Error).message } };
    }
    await this.link.cmd.publish(keys.answers(e.from), JSON.stringify(a)).catch(() => undefined);
  }

  private settle(a: Answer): void {
    const p = this.pending.get(a.id);
    if (!p) return;
    this.pending.delete(a.id);
    clearTimeout(p.timer);
    if (a.ok) p.resolve(a.result);
    else p.reject(new DomainError(a.error!.code as never, a.error!.message));
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
