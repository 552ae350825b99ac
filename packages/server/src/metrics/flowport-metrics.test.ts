// The flowport_ metrics over a real core (fake package loader): each moves with what it counts, the text parses.
import { describe, expect, it } from 'vitest';
import { makeKit } from '../../test/support/core-kit';
import { CancelSource } from '../core/execution';
import { observeCore } from './core-metrics';
import { parseExposition } from '../../test/support/exposition';
import { FlowportMetrics } from './flowport-metrics';
import { LoginLimiter } from '../auth/login-limiter';

const FILES = { 'a.pkg.yaml': ['lib.pkg.yaml'], 'lib.pkg.yaml': [], 'p.pkg.yaml': [], 'q.pkg.yaml': [] };

function setUp(poolSize = 10) {
  const k = makeKit({ files: FILES, poolSize });
  const metrics = new FlowportMetrics({ node: 'node-1', version: '9.9.9' });
  observeCore(k.core, metrics);
  const read = async () => parseExposition(await metrics.render());
  const call = () => k.core.openSession({ user: 'ian', roles: ['batch'], host: 'h', kind: 'integrator' }).id;
  return { ...k, metrics, read, call };
}

describe('FlowportMetrics', () => {
  it('renders every family with HELP, TYPE and the node label, the process metrics beside them', async () => {
    const { read } = setUp();
    const m = await read();
    const names = [...m.families.keys()];
    expect(names.filter((n) => n.startsWith('flowport_')).sort()).toEqual([
      'flowport_build_info',
      'flowport_duckdb_memory_bytes',
      'flowport_execution_stop_seconds',
      'flowport_executions_finished_total',
      'flowport_executions_running',
      'flowport_integrator_request_duration_seconds',
      'flowport_login_failures_total',
      'flowport_login_lockouts_total',
      'flowport_memory_budget_bytes',
      'flowport_package_instances',
      'flowport_pool_capacity',
      'flowport_pool_checked_out',
      'flowport_pool_evictions_total',
      'flowport_pool_hits_total',
      'flowport_pool_misses_total',
      'flowport_process_data_bytes',
      'flowport_process_memory_ceiling_bytes',
      'flowport_sessions_open',
    ]);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']));
    for (const f of m.families.values())
      for (const s of f.metrics) if (s.labels) expect(s.labels.node, f.name).toBeDefined();
    expect(m.value('flowport_build_info', { version: '9.9.9', node: 'node-1' })).toBe(1);
    expect(m.families.get('flowport_executions_finished_total')?.type).toBe('COUNTER');
    expect(m.families.get('flowport_integrator_request_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('counts sessions, instances and running executions as they open and end', async () => {
    const { core, read, session, call } = setUp();
    expect((await read()).value('flowport_sessions_open', { kind: 'studio' })).toBe(0);
    const sid = session();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    const cid = call();
    const pooled = await core.checkout('p.pkg.yaml', cid);
    const exec = core.beginExecution(pooled.id);
    let m = await read();
    expect(m.value('flowport_sessions_open', { kind: 'studio' })).toBe(1);
    expect(m.value('flowport_sessions_open', { kind: 'integrator' })).toBe(1);
    expect(m.value('flowport_package_instances', { place: 'session' })).toBe(1);
    expect(m.value('flowport_package_instances', { place: 'shared' })).toBe(1);
    expect(m.value('flowport_package_instances', { place: 'pool' })).toBe(1);
    expect(m.value('flowport_executions_running', { kind: 'integrator' })).toBe(1);
    expect(m.value('flowport_pool_checked_out')).toBe(1);
    exec.end('done');
    core.release(pooled.id);
    core.closeSession(cid, 'client');
    core.closePackage(a.id);
    m = await read();
    expect(m.value('flowport_sessions_open', { kind: 'integrator' })).toBe(0);
    expect(m.value('flowport_executions_running', { kind: 'integrator' })).toBe(0);
    expect(m.value('flowport_package_instances', { place: 'session' })).toBe(0);
    expect(m.value('flowport_package_instances', { place: 'shared' })).toBe(0);
    expect(m.value('flowport_pool_checked_out')).toBe(0);
    expect(m.value('flowport_executions_finished_total', { kind: 'integrator', outcome: 'done' })).toBe(1);
  });

  it('counts finished executions by who stopped them, and times the stops', async () => {
    const { core, clock, read, session, call } = setUp();
    const sid = session();
    const a = await core.openPackage(sid, 'a.pkg.yaml');
    const byAdmin = core.beginExecution(a.id);
    core.stopPackage(a.id, 'stopped by administrator admin:1');
    clock.advance(30);
    byAdmin.end('cancelled');
    const byUser = core.beginExecution(a.id);
    core.stopPackage(a.id, 'user');
    byUser.end('cancelled');
    core.beginExecution(a.id).end('failed');
    const cid = call();
    const pooled = await core.checkout('p.pkg.yaml', cid);
    const controller = new CancelSource();
    const timedOut = core.beginExecution(pooled.id, { controller });
    controller.abort('timed out after 1 s');
    clock.advance(200);
    timedOut.end('cancelled');
    const m = await read();
    const finished = (kind: string, outcome: string) =>
      m.value('flowport_executions_finished_total', { kind, outcome });
    expect(finished('studio', 'stopped_by_administrator')).toBe(1);
    expect(finished('studio', 'stopped_by_client')).toBe(1);
    expect(finished('studio', 'failed')).toBe(1);
    expect(finished('studio', 'done')).toBe(0);
    expect(finished('integrator', 'stopped_by_server')).toBe(1);
    expect(m.value('flowport_execution_stop_seconds_count', { cause: 'administrator' })).toBe(1);
    expect(m.value('flowport_execution_stop_seconds_sum', { cause: 'administrator' })).toBeCloseTo(0.03);
    expect(m.value('flowport_execution_stop_seconds_bucket', { cause: 'administrator', le: '0.025' })).toBe(0);
    expect(m.value('flowport_execution_stop_seconds_bucket', { cause: 'administrator', le: '0.05' })).toBe(1);
    expect(m.value('flowport_execution_stop_seconds_sum', { cause: 'server' })).toBeCloseTo(0.2);
    expect(m.value('flowport_execution_stop_seconds_count', { cause: 'client' })).toBe(1);
  });

  it('counts pool hits, misses and evictions with their cause', async () => {
    const { core, read, call, loader } = setUp(1);
    const loan = async (path: string) => {
      const sid = call();
      const inst = await core.checkout(path, sid);
      return () => {
        core.release(inst.id);
        core.closeSession(sid, 'client');
      };
    };
    const [p1, p2] = [await loan('p.pkg.yaml'), await loan('p.pkg.yaml')];
    p1();
    p2(); // the pool keeps one: the other is evicted
    (await loan('p.pkg.yaml'))(); // a hit
    let m = await read();
    expect(m.value('flowport_pool_capacity')).toBe(1);
    expect(m.value('flowport_pool_misses_total')).toBe(2);
    expect(m.value('flowport_pool_hits_total')).toBe(1);
    expect(m.value('flowport_pool_evictions_total', { cause: 'capacity' })).toBe(1);
    loader.write('p.pkg.yaml', { references: [] });
    core.fileChanged('p.pkg.yaml');
    (await loan('q.pkg.yaml'))();
    core.clearPool();
    m = await read();
    expect(m.value('flowport_pool_evictions_total', { cause: 'file_changed' })).toBe(1);
    expect(m.value('flowport_pool_evictions_total', { cause: 'cleared' })).toBe(1);
    expect(m.value('flowport_pool_evictions_total', { cause: 'capacity' })).toBe(1);
  });

  it('times Integrator answers by target and status class', async () => {
    const { metrics, read } = setUp();
    metrics.integratorAnswered('demo/hello.pkg.yaml/greeting', 200, 0.002);
    metrics.integratorAnswered('demo/hello.pkg.yaml/greeting', 400, 0.001);
    metrics.integratorAnswered('made/up.pkg.yaml/x', 404, 0.001);
    const m = await read();
    const count = (labels: Record<string, string>) =>
      m.value('flowport_integrator_request_duration_seconds_count', labels);
    expect(
      count({ package: 'demo/hello.pkg.yaml', package_node: 'greeting', status_class: '2xx', node: 'node-1' }),
    ).toBe(1);
    expect(count({ package: 'demo/hello.pkg.yaml', package_node: 'greeting', status_class: '4xx' })).toBe(1);
    expect(count({ package: '(unknown)', package_node: '(unknown)', status_class: '4xx' })).toBe(1);
    expect(m.sum('flowport_integrator_request_duration_seconds_count', { package: 'made/up.pkg.yaml' })).toBe(0);
  });

  it('counts failed logins and the lockouts they begin', async () => {
    const { metrics, read, clock } = setUp();
    const limiter = new LoginLimiter(clock, () => ({ attempts: 2, lockoutSeconds: 60 }), metrics);
    limiter.reserve('dana', '10.0.0.1').failed();
    let m = await read();
    expect(m.value('flowport_login_failures_total')).toBe(1);
    expect(m.value('flowport_login_lockouts_total')).toBe(0);
    limiter.reserve('dana', '10.0.0.1').failed();
    m = await read();
    expect(m.value('flowport_login_failures_total')).toBe(2);
    expect(m.value('flowport_login_lockouts_total')).toBe(1);
    expect(() => limiter.reserve('dana', '10.0.0.1')).toThrow(/Too many failed logins/);
  });

  it('shows the memory source’s figures, NaN while it has none', async () => {
    const { metrics, read } = setUp();
    expect((await read()).value('flowport_duckdb_memory_bytes')).toBeNaN();
    expect((await read()).value('flowport_process_memory_ceiling_bytes')).toBeNaN();
    metrics.readMemory(() => ({ duckdbBytes: 1234, budgetBytes: 1e9 }));
    metrics.readProcessMemory({ ceilingBytes: () => 2e9, dataSegmentBytes: () => 4e8 });
    const m = await read();
    expect(m.value('flowport_duckdb_memory_bytes')).toBe(1234);
    expect(m.value('flowport_memory_budget_bytes')).toBe(1e9);
    expect(m.value('flowport_process_memory_ceiling_bytes')).toBe(2e9);
    expect(m.value('flowport_process_data_bytes')).toBe(4e8);
    metrics.readProcessMemory({ ceilingBytes: () => null, dataSegmentBytes: () => 4e8 });
    expect((await read()).value('flowport_process_memory_ceiling_bytes')).toBeNaN();
  });
});
