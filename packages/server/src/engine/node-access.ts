// Which nodes a caller may activate: a node that exists and is at least as open as the call needs.
import type { NodeAccess } from '@flowport/protocol';
import { DomainError } from '../shared/domain-error';
import type { PackageDef } from './package-types';

const ACCESS_RANK: Record<NodeAccess, number> = { private: 0, public: 1, published: 2 };

/** Throws NODE_NOT_FOUND for a node `def` lacks, or one less open than `access` (a private node for a call). */
export function assertNodeAccess(def: PackageDef, node: string, access?: 'public' | 'published'): void {
  const found = def.nodes.find((n) => n.id === node);
  if (!found) throw new DomainError('NODE_NOT_FOUND', `Package "${def.name}" has no node "${node}".`, { node });
  if (access && ACCESS_RANK[found.access] < ACCESS_RANK[access]) {
    throw new DomainError(
      'NODE_NOT_FOUND',
      `Node "${node}" of package "${def.name}" is ${found.access}, not ${access}.`,
      {
        node,
      },
    );
  }
}
