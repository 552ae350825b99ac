// Composition root: build(config) wires storage, database, auth, core and routes into a ready, not yet listening app.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { FLOWPORT_VERSION, type HealthResponse, type ServerStats } from '@flowport/protocol';
import { HealthResponseSchema } from '@flowport/protocol/schemas';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { AuthService } from './auth/auth-service';
import { LoginLimiter } from './auth/login-limiter';
import { LoginSessions } from './auth/login-sessions';
import { generatePassword } from './auth/password';
import type { FlowportConfig } from './config/config';
import { systemClock, type Clock } from './shared/clock';
import { dataPaths, prepareDataDir } from './data-dir';
import { Readiness } from './health/readiness';
import { storageCheck } from './health/storage-check';
import { openState } from './db/open-state';
import { adminRoutes } from './http/admin.routes';
import { auditRoutes } from './http/audit.routes';
import { installRefusalAudit } from './http/audited';
import { authRoutes } from './http/auth.routes';
import { batchRoutes } from './http/batch.routes';
import { errorBody, frameworkErrors, installErrorHandler } from './http/error-mapping';
import { healthRoutes } from './http/health.routes';
import { installIntegratorTiming } from './http/integrator-timing';
import { integratorRoutes } from './http/integrator.routes';
import { managerRoutes } from './http/manager.routes';
import { metricsRoutes } from './http/metrics.routes';
import { installRouteGuard } from './http/route-guard';
import { sessionRoutes } from './http/sessions.routes';
import { installJsonBodyParser } from './http/json-body';
import { docsPages } from './http/docs-pages';
import { installOpenApi, openApiRoutes } from './http/openapi-document';
import { installSchemaValidation, schemaError } from './http/schema-validation';
import { installSecurityHeaders } from './http/security-headers';
import { installShutdownGate, ShutdownGate } from './http/shutdown-gate';
import { createLogger } from './logger';
import { observeCore } from './metrics/core-metrics';
import { FlowportMetrics } from './metrics/flowport-metrics';
import { nodeName, setNodeName } from './metrics/node-name';
import { ServerStatsRecorder, STATS_WINDOW_MS } from './metrics/server-stats';
import { ClusterView } from './cluster/cluster-view';
import { NodeStats } from './cluster/node-stats';
import { PoolInvalidation } from './cluster/pool-invalidation';
import { RedisLink } from './cluster/redis-link';
import type { AppServices } from './services';
import type { HostNames } from './manager/host-names';
import { currentDataLimit, dataSegmentBytes } from './workspace/memory-ceiling';
import { createWorkspace } from './workspace/workspace';
import { backupRoutes } from './http/backups.routes';
import { executionRoutes } from './http/executions.routes';
import { recordExecutionHistory } from './db/execution-history';

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

export interface BuildOptions {
  clock?: Clock;
  /** Called once when the first administrator is created, with the password to show the operator. */
  onFirstAdmin?: (name: string, password: string, generated: boolean) => void;
  /** Rows of the generated example reference table (tests use fewer). */
  exampleDataRows?: number;
  /** Watch the storage for changes made by other programs (default on). */
  watchStorage?: boolean;
  hostNames?: HostNames;
  /** How often the server panel samples (default 5 s; tests take less). */
  statsIntervalMs?: number;
  /** Called with each route as it is registered (the OpenAPI test compares them with the document). */
  onRoute?: (route: RouteOptions) => void;
}

export async function build(config: FlowportConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  if (config.nodeName) setNodeName(config.nodeName);
  // A cluster's nodes each have a data directory (logs, backups) and share one storage mount.
  const paths = { ...dataPaths(config.dataDir), ...(config.storageDir ? { storage: config.storageDir } : {}) };
  prepareDataDir(paths, config.seedExamples ? config.examplesDir : null);
  // Logged once the logger exists (it needs the stored log level).
  const early: { migrated?: number[]; errors: unknown[] } = { errors: [] };
  let reportStateError = (err: unknown): void => void early.errors.push(err);
  const onStateError = (err: unknown) => reportStateError(err);
  const state = await openState(
    { databaseUrl: config.databaseUrl, databaseFile: paths.database },
    { onError: onStateError, onMigrated: (versions) => (early.migrated = versions) },
  );
  const { users, params, audit } = state;
  const log = createLogger(paths.logs, config.logLevel ?? params.get().logLevel, config.logToStdout);
  const { logger } = log;
  reportStateError = (err) => logger.warn({ err }, 'the shared database failed in the background');
  for (const err of early.errors) reportStateError(err);
  if (early.migrated?.length) logger.info({ versions: early.migrated }, 'PostgreSQL schema migrated');
  logger.info({ database: state.kind }, `shared state in ${state.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}`);
  const metrics = new FlowportMetrics({ node: nodeName(), version: FLOWPORT_VERSION });
  const limiter = new LoginLimiter(
    clock,
    () => {
      const p = params.get();
      return { attempts: p.loginAttemptLimit, lockoutSeconds: p.loginLockoutSeconds };
    },
    metrics,
  );
  const sessions = new LoginSessions(clock, state.logins, onStateError, state.kind === 'postgres');
  await sessions.restore();
  const auth = new AuthService(users, limiter, sessions, state.kind === 'postgres');
  // Logins kept from the last run follow what happened to their users meanwhile (`flowport users`).
  auth.syncUsers();

  const generated = !config.adminPassword;
  const password = config.adminPassword ?? generatePassword();
  // Only while there is no user at all: of two nodes starting on one new database, one creates it.
  if (await users.createFirst('admin', password, ['admin'])) {
    logger.info({ user: 'admin', generated }, 'first administrator created');
    options.onFirstAdmin?.('admin', password, generated);
  }
  params.onChange((next) => {
    if (!config.logLevel) logger.level = next.logLevel;
  });
  // Changes another process (`flowport params set`, `users block`...) or node stored, heard within a
  // second and applied as the same change through the API is (the command records its audit entry).
  state.watch({
    parameters: () => {
      params.refresh().then((changed) => {
        if (changed) logger.info({ changed }, 'server parameters changed outside this server, applied');
      }, onStateError);
    },
    users: () => {
      const ended = auth.syncUsers();
      if (ended.length)
        logger.info(
          { users: ended },
          'logins ended: users blocked, removed or given a new password outside this server',
        );
    },
    loginEnded: (tokenHash) => sessions.forget(tokenHash),
    error: (err) => logger.warn({ err }, 'applying changes made outside this server failed'),
  });

  // In a cluster (with Redis) this node's name stamps its ids and its server-panel samples.
  const clusterNode = config.redisUrl ? nodeName() : undefined;
  const workspace = await createWorkspace({
    paths,
    params,
    logger,
    clock,
    exampleDataRows: options.exampleDataRows,
    watch: options.watchStorage,
    watchPolling: config.watchPolling,
    hostNames: options.hostNames,
    audit: (entry) => {
      audit.record(entry).catch((err: unknown) => logger.error({ err }, 'recording a stop in the audit log failed'));
    },
    onAudit: (listener) => audit.onRecord(listener),
    packageFiles: state.files,
    idPrefix: clusterNode,
    processMemoryLimitMB: config.processMemoryLimitMB,
  });
  // With Redis: one Session Manager for every node (cluster/); without it nothing of it is made.
  let cluster: ClusterView | undefined;
  let link: RedisLink | undefined;
  if (config.redisUrl) {
    link = new RedisLink(config.redisUrl, logger);
    cluster = new ClusterView({
      link,
      node: nodeName(),
      source: workspace.core,
      execute: (c) => workspace.manager.execute(c),
      broadcast: (f) => workspace.feed.broadcast(f),
      resync: () => workspace.feed.resync(),
      log: logger,
    });
    workspace.manager.joinCluster(cluster);
    const invalidation = new PoolInvalidation(link, nodeName(), (p, v) => workspace.core.fileChanged(p, v));
    workspace.onPackageFileChanged((p, v) => invalidation.publish(p, v));
    await cluster.start();
    // Not awaited: a Redis away at start leaves the node serving, degraded, and subscribed once Redis is back.
    invalidation.start().catch((err: unknown) => logger.warn({ err }, 'subscribing to pool invalidations failed'));
    logger.info({ node: nodeName() }, `cluster node ${nodeName()}: Session Manager shared through Redis`);
  }
  observeCore(workspace.core, metrics);
  const history = state.history;
  recordExecutionHistory(
    (l) => workspace.core.onExecutionSettled(l),
    history,
    () => params.get().executionHistoryLimit,
    (err) => logger.warn({ err }, 'recording an execution in the history failed'),
  );
  metrics.readMemory(() => workspace.memory.usage());
  // The ceiling in effect (set by this server, or by whoever started it), not what was asked for.
  metrics.readProcessMemory({ ceilingBytes: currentDataLimit, dataSegmentBytes });
  const stats = new ServerStatsRecorder({
    memory: () => workspace.memory.usage(),
    running: () => {
      let n = 0;
      for (const k of Object.values(workspace.core.counts().running)) n += k;
      return n;
    },
    integrator: () => metrics.integratorCalls(),
    intervalMs: options.statsIntervalMs,
    node: clusterNode,
  });
  // In a cluster every node's panel shows every node: samples shared through Redis (cluster/node-stats).
  const view = cluster;
  const nodeStats =
    link && view
      ? new NodeStats({
          link,
          node: view.node,
          others: () => view.nodes().flatMap((n) => (n.state === 'live' && !n.self ? [n.name] : [])),
          intervalMs: stats.intervalMs,
          windowMs: STATS_WINDOW_MS,
          heard: (node, sample) => workspace.feed.broadcast({ type: 'stats', node, sample }),
          onError: (err) => logger.warn({ err }, 'sharing the server panel through Redis failed'),
        })
      : undefined;
  stats.onSample((sample) => {
    workspace.feed.broadcast(clusterNode ? { type: 'stats', node: clusterNode, sample } : { type: 'stats', sample });
    nodeStats?.share(sample);
  });
  // Not awaited: a Redis away at start subscribes once it is back (ioredis re-subscribes).
  nodeStats?.start().catch((err: unknown) => logger.warn({ err }, 'subscribing to the cluster server panel failed'));
  await stats.start();
  const statsView = async (): Promise<ServerStats> => {
    const mine = stats.view();
    if (!nodeStats) return mine;
    // The other nodes' history is a nicety: without it the panel still shows this node.
    const others = await nodeStats.others().catch((err: unknown) => {
      logger.warn({ err }, "reading the other nodes' server panel failed");
      return [];
    });
    return { ...mine, others };
  };
  // Where logins end (logout, a blocked, demoted or removed user, a new password, here or by
  // `flowport users`), what was opened with them ends: live sockets and Studio sessions.
  auth.sessions.onAccessEnded((ended) => {
    workspace.revokeAccess(ended).catch((err: unknown) => logger.error({ err }, 'ending revoked access failed'));
  });
  const shutdownGate = new ShutdownGate();
  const services: AppServices = {
    config,
    paths,
    db: state.db,
    state,
    params,
    users,
    audit,
    auth,
    logger,
    workspace,
    metrics,
    inFlight: shutdownGate,
  };
  // Typed as the plain instance so route plugins need not know the pino Logger type.
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: params.get().integratorBodyLimitBytes,
    trustProxy: config.trustProxy,
    forceCloseConnections: true,
    // While stopping, ShutdownGate answers in the API's error format (Fastify's own 503 body differs).
    return503OnClosing: false,
    frameworkErrors,
    // A refused body, query or path parameter, said the API's way (schema-validation.ts).
    schemaErrorFormatter: (errors, part) => schemaError(errors, part),
  });
  app.decorate('services', services);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  installErrorHandler(app);
  installSecurityHeaders(app);
  installShutdownGate(app, shutdownGate);
  installJsonBodyParser(app);
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  installRouteGuard(app, auth);
  installSchemaValidation(app);
  await installOpenApi(app);
  installIntegratorTiming(app, metrics);
  installRefusalAudit(app, audit, auth);

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { summary: 'Liveness', tags: ['health'], response: { 200: HealthResponseSchema } },
    },
    async (): Promise<HealthResponse> => ({ status: 'ok', version: FLOWPORT_VERSION }),
  );
  await app.register(healthRoutes, {
    readiness: new Readiness([state.check, storageCheck(paths.storage)]),
    logger,
  });
  await app.register(metricsRoutes, { metrics, token: config.metricsToken });
  await app.register(authRoutes, { services });
  await app.register(adminRoutes, { services });
  await app.register(auditRoutes, { services });
  await app.register(sessionRoutes, { studio: workspace.studio });
  await app.register(backupRoutes, { folder: paths.backups });
  await app.register(executionRoutes, { history });
  await app.register(managerRoutes, { manager: workspace.manager, audit, stats: statsView });
  await app.register(integratorRoutes, { services });
  await app.register(batchRoutes, { services });
  await app.register(openApiRoutes);
  await app.register(docsPages);

  const webDir = config.webDir && existsSync(path.join(config.webDir, 'index.html')) ? config.webDir : null;
  // Wildcard: files rebuilt while the server runs are served too.
  if (webDir) await app.register(fastifyStatic, { root: webDir, wildcard: true });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    if (request.method !== 'GET' || url.startsWith('/api/') || url.startsWith('/integrator/')) {
      return reply.status(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${url}`));
    }
    if (!webDir) {
      return reply
        .status(404)
        .type('text/plain')
        .send('The web pages are not built. Run `npm run build`, then restart.');
    }
    return reply.type('text/html').sendFile('index.html');
  });

  app.addHook('preClose', async () => {
    // Calls in flight are answered (SHUTTING_DOWN) before the connections are closed after this hook;
    // half the stop timeout at most, so that backing up Studio work has the other half.
    const waitMs = Math.min(5000, params.get().serverStopTimeoutSeconds * 500);
    const { cancelled, unanswered } = await shutdownGate.close(waitMs);
    if (cancelled) logger.info({ cancelled, unanswered }, 'calls in flight cancelled: the server is shutting down');
    stats.stop();
    await workspace.shutdown();
  });
  app.addHook('onClose', async () => {
    await cluster?.close();
    await state.close();
    log.flush();
  });
  return app;
}
