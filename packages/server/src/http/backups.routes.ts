// Backups of unsaved work: a Studio user's own (list, source to open as a draft, discard); administrators' all.
import type { BackupDto } from '@flowport/protocol';
import { BackupListSchema, BackupQuerySchema, BackupSourceSchema } from '@flowport/protocol/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/auth-service';
import { DomainError } from '../shared/domain-error';
import { findBackup, listBackups, readBackup, removeBackup } from '../storage';
import { GUARDED, NO_CONTENT, responses } from './responses';
import { principalOf } from './route-guard';

const STUDIO = { access: ['admin', 'design', 'view'] as const };
const ADMIN = { access: ['admin'] as const };

interface IdQuery {
  Querystring: { id: string };
}

const schema = (summary: string, ok: Record<number, unknown>, query = false) => ({
  summary,
  tags: ['backups'],
  ...(query ? { querystring: BackupQuerySchema } : {}),
  response: responses(ok as never, query ? [400, ...GUARDED, 404] : [...GUARDED]),
});

export async function backupRoutes(app: FastifyInstance, { folder }: { folder: string }) {
  /** The backup named by `?id=`, if this user may see it: their own, or any for an administrator. */
  const mine = async (request: FastifyRequest<IdQuery>, p: Principal): Promise<BackupDto> => {
    const b = await findBackup(folder, request.query.id);
    // Another user's backup looks absent, as another user's session does.
    if (b.user !== p.user && !p.roles.includes('admin'))
      throw new DomainError('NOT_FOUND', `No backup "${request.query.id}" of yours`);
    return b;
  };

  app.get(
    '/api/backups',
    { config: STUDIO, schema: schema("The caller's backups of unsaved work", { 200: BackupListSchema }) },
    async (request) => {
      const p = principalOf(request);
      return { backups: (await listBackups(folder)).filter((b) => b.user === p.user) };
    },
  );

  app.get<IdQuery>(
    '/api/backups/source',
    { config: STUDIO, schema: schema('The YAML of a backup, to open as a draft', { 200: BackupSourceSchema }, true) },
    async (request) => {
      const b = await mine(request, principalOf(request));
      return { yaml: await readBackup(folder, b.id) };
    },
  );

  app.delete<IdQuery>(
    '/api/backups',
    { config: STUDIO, schema: schema('Discards a backup', { 204: NO_CONTENT }, true) },
    async (request, reply) => {
      const b = await mine(request, principalOf(request));
      await removeBackup(folder, b.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/backups',
    { config: ADMIN, schema: schema('Every backup of unsaved work (administrators)', { 200: BackupListSchema }) },
    async () => ({ backups: await listBackups(folder) }),
  );
}
