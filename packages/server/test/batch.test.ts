// BatchLauncher through the real server: the NDJSON run stream and the `flowport batch` command against a listening app.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args';
import { batchCommand, type BatchIo } from '../src/cli/batch.command';
import { runCli } from '../src/cli/cli';
import type { BatchEvent } from '@flowport/protocol';
import { basicAuth, listen, poolIntact, snapshot, waitFor } from './helpers/integration-helpers';
import { createUser, login, makeTestApp, type LoggedIn, type TestApp } from './helpers/test-app';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'user-password-1';

let t: TestApp;
let admin: LoggedIn;
let base: string;

beforeAll(async () => {
  t = await makeTestApp({ seedExamples: true }, { exampleDataRows: 2000 });
  admin = await login(t.app);
  await createUser(t.app, admin, 'bart', ['batch']);
  await createUser(t.app, admin, 'dana', ['design']);
  base = await listen(t.app);
  const failing = path.join(t.dataDir, 'storage/it/failing.pkg.yaml');
  mkdirSync(path.dirname(failing), { recursive: true });
  writeFileSync(
    failing,
    'name: Failing\nnodes:\n  - id: ok\n    kind: sql\n    sql: SELECT 1 AS one\n' +
      "  - id: bad\n    kind: sql\n    access: published\n    inputs: [ok]\n    sql: SELECT error('the data is wrong') FROM ok\n",
  );
});
afterAll(async () => {
  await t?.close();
});

async function runStream(body: object, user = 'bart') {
  const res = await fetch(`${base}/api/batch/runs`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(user, user === 'admin' ? 'admin-password-1' : PASSWORD),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    res,
    text,
    events: res.ok
      ? text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as BatchEvent)
      : [],
  };
}

/** Runs the command in this process with captured output, a test environment and its own signal source. */
async function inProcess(args: string[], env: Record<string, string> = {}, tty = false, signals = new EventEmitter()) {
  let stdout = '';
  let stderr = '';
  const argv = args.length && !args.includes('--server') ? [...args, '--server', base] : args;
  const code = await batchCommand(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty, columns: 100 },
    stderr: { write: (s: string) => (stderr += s) },
    env: { FLOWPORT_USER: 'bart', FLOWPORT_PASSWORD: PASSWORD, ...env },
    signals: signals as unknown as BatchIo['signals'],
  });
  return { code, stdout, stderr };
}

interface Cli {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['packages/server/bin/flowport.mjs', 'batch', ...args, '--server', base], {
    cwd: ROOT,
    env: { ...process.env, FLOWPORT_FROM_SOURCE: '1', FLOWPORT_USER: 'bart', FLOWPORT_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stdout: () => stdout, done };
}

describe('POST /api/batch/runs', () => {
  it('streams started, node events and finished for a published node', async () => {
    const { res, events } = await runStream({
      package: 'credit/scoring.pkg.yaml',
      node: 'scored',
      variables: { threshold: 0.7 },
    });
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(events[0]).toMatchObject({
      type: 'started',
      package: 'credit/scoring.pkg.yaml',
      name: 'Credit scoring',
      node: 'scored',
      session: expect.stringMatching(/^bart:/),
    });
    expect(events.filter((e) => e.type === 'node-finished').map((e) => (e as { node: string }).node)).toEqual(
      expect.arrayContaining(['customers', 'applicants', 'joined', 'normalized', 'scored']),
    );
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'done', node: 'scored', rows: 0 });
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  });

  it('runs a whole package when no node is given', async () => {
    const { events } = await runStream({ package: 'credit/scoring.pkg.yaml' }, 'admin');
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'done' });
    expect(existsSync(path.join(t.dataDir, 'storage/out/scored.csv'))).toBe(true);
  });

  it('answers a plain JSON error before streaming', async () => {
    const unknown = await runStream({ package: 'nope/none.pkg.yaml' });
    expect(unknown.res.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe('PACKAGE_NOT_FOUND');
    const priv = await runStream({ package: 'credit/scoring.pkg.yaml', node: 'joined' });
    expect(priv.res.status).toBe(404);
    expect((await runStream({ node: 'x' })).res.status).toBe(400);
    expect((await runStream({ package: 'credit/scoring.pkg.yaml' }, 'dana')).res.status).toBe(403);
  });

  it('ends with outcome failed and the node error when the run fails', async () => {
    const { events } = await runStream({ package: 'it/failing.pkg.yaml', node: 'bad' });
    expect(events.some((e) => e.type === 'node-failed' && e.node === 'bad')).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'finished',
      outcome: 'failed',
      error: { code: 'EXECUTION_FAILED', message: expect.stringContaining('the data is wrong') },
    });
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  });
});

describe('flowport batch', () => {
  it('runs a package, prints one line per event and exits 0', async () => {
    const r = await cli(['credit/scoring.pkg.yaml', '--node', 'scored', '--var', 'threshold=0.7']).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      / started package=credit\/scoring\.pkg\.yaml name="Credit scoring" version=1\.2\.0 node=scored session=bart:/,
    );
    expect(lines.some((l) => / node-finished node=joined rows=0 /.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ finished outcome=done rows=0 ms=\d+$/);
  }, 60_000);

  it('fails with a clear message and exit code', async () => {
    const broken = await cli(['demo/broken.pkg.yaml']).done;
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/flowport batch: The package has errors; first: line \d+: .*\(HTTP 422\)/);
  }, 60_000);

  it('exits 1 when the run fails and 2 for bad arguments or login (in process)', async () => {
    const failing = await inProcess(['it/failing.pkg.yaml', '--node', 'bad']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/node-failed node=bad error=".*the data is wrong/);
    expect(failing.stderr).toMatch(/finished outcome=failed .*code=EXECUTION_FAILED/);
    expect(failing.stderr).toMatch(/^Failed after .*the data is wrong.* \[EXECUTION_FAILED\]$/m);

    const badValue = await inProcess(['credit/scoring.pkg.yaml', '--var', "threshold='high'"]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('Variable "threshold" (number) must be a finite number, got "high"');
    const password = await inProcess(['credit/scoring.pkg.yaml'], { FLOWPORT_PASSWORD: 'wrong-password' });
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('Wrong user name or password (HTTP 401)');
    const noNode = await inProcess(['credit/scoring.pkg.yaml', '--node', 'nope']);
    expect(noNode.code).toBe(2);
    expect(noNode.stderr).toContain('has no node "nope"');
    const unreachable = await inProcess(['credit/scoring.pkg.yaml', '--server', 'http://127.0.0.1:9']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the server at http://127.0.0.1:9');

    await expect(inProcess(['credit/scoring.pkg.yaml', '--var', 'threshold'])).rejects.toThrow(
      '--var "threshold" is not NAME=VALUE',
    );
    await expect(inProcess([])).rejects.toThrow(UsageError);
    await expect(inProcess(['credit/scoring.pkg.yaml'], { FLOWPORT_USER: '' })).rejects.toThrow('no user');
    await expect(inProcess(['credit/scoring.pkg.yaml', '--password-env', 'NO_SUCH_VAR'])).rejects.toThrow(
      'NO_SUCH_VAR',
    );
    expect(await runCli(['batch', 'credit/scoring.pkg.yaml', '--frobnicate'])).toBe(2);
  }, 60_000);

  it('draws a progress bar with the current node on a terminal', async () => {
    const r = await inProcess(['credit/scoring.pkg.yaml', '--node', 'scored'], {}, true);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Running "Credit scoring" 1\.2\.0 \(credit\/scoring\.pkg\.yaml\), node scored · session bart:/,
    );
    expect(r.stdout).toMatch(/\[[█░]+\]\s+\d+%\s+\w+ · /);
    expect(r.stdout).toContain('✓ scored');
    expect(r.stdout).toMatch(/Done in [\d.]+ s: scored has 0 rows/);
  }, 30_000);

  it('cancels the run on SIGTERM (in process) and exits 130', async () => {
    const signals = new EventEmitter();
    const pending = inProcess(['demo/long-aggregation.pkg.yaml', '--node', 'totals'], {}, false, signals);
    const session = await waitFor(
      'a running batch session',
      async () => (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'batch' && s.running),
      30_000,
    );
    signals.emit('SIGTERM', 'SIGTERM');
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted (SIGTERM)');
    await waitFor(
      'the batch session to close',
      async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.id === session.id),
      10_000,
    );
  }, 60_000);

  it('is cancelled on the server when killed', async () => {
    const run = cli(['demo/long-aggregation.pkg.yaml', '--node', 'totals']);
    const session = await waitFor(
      'a running batch session',
      async () => (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'batch' && s.running),
      30_000,
    );
    expect(session.packages[0]).toMatchObject({ path: 'demo/long-aggregation.pkg.yaml', running: true });
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    await waitFor(
      'the batch session to close',
      async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.id === session.id),
      10_000,
    );
    await waitFor('the pool to settle', async () => poolIntact(await snapshot(t.app, admin)));
  }, 60_000);

  it('exits 130 on Ctrl+C and cancels the run', async () => {
    const run = cli(['demo/long-aggregation.pkg.yaml', '--node', 'totals']);
    const session = await waitFor(
      'a running batch session',
      async () => (await snapshot(t.app, admin)).sessions.find((s) => s.kind === 'batch' && s.running),
      30_000,
    );
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted (SIGINT): the run is cancelled on the server.');
    await waitFor(
      'the batch session to close',
      async () => !(await snapshot(t.app, admin)).sessions.some((s) => s.id === session.id),
      10_000,
    );
    expect(poolIntact(await snapshot(t.app, admin))).toBe(true);
  }, 60_000);
});
