// What the Session Manager needs of a cluster (implemented by cluster/, composed in app.ts): other nodes' rows and a way to reach them.
import type { FeedView } from './manager-feed';

/** The actions an administrator can send to the node that owns a row. */
export type NodeCommand =
  | { op: 'session.stop'; id: string; by: string }
  | { op: 'session.close'; id: string; by: string }
  | { op: 'package.stop'; id: string; by: string }
  | { op: 'package.close'; id: string; by: string }
  | { op: 'pool.clear' };

export interface ClusterPort extends FeedView {
  /** This node's name. */
  readonly node: string;
  /** The other node holding a session / package row, or null (here, or unknown). */
  ownerOfSession(id: string): string | null;
  ownerOfPackage(id: string): string | null;
  /** A label for another node's row (audit targets), or null. */
  labelOf(id: string): string | null;
  /** The nodes a "Clear pool for all" reaches, this one included. */
  liveNodes(): string[];
  /** Sends a command to a node and resolves with its answer; rejects with its error, or NODE_UNREACHABLE after 2 s. */
  send(node: string, command: NodeCommand): Promise<unknown>;
}
