// The one test command: static checks, unit and integration tests (vitest), browser tests (Playwright),
// then a single summary line "N passed, N failed" over every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = [];
mkdirSync('test-results', { recursive: true });

function run(name, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function checkStep(name, cmd, args) {
  const ok = run(name, cmd, args);
  results.push({ suite: name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
  return ok;
}

checkStep('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
checkStep('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
checkStep('format', 'npx', ['prettier', '--check', '.']);
const built = checkStep('build', 'node', ['scripts/build.mjs']);

rmSync('test-results/vitest.json', { force: true });
run('unit and integration tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
]);
if (existsSync('test-results/vitest.json')) {
  const v = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  const failedSuites = (v.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
  results.push({
    suite: 'vitest',
    passed: v.numPassedTests,
    failed: v.numFailedTests + failedSuites,
    skipped: v.numPendingTests + v.numTodoTests,
  });
} else results.push({ suite: 'vitest', passed: 0, failed: 1, skipped: 0 });

if (built) {
  rmSync('test-results/e2e.json', { force: true });
  run('browser tests', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json' });
  if (existsSync('test-results/e2e.json')) {
    const p = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
    const s = p.stats ?? {};
    results.push({
      suite: 'playwright',
      passed: s.expected ?? 0,
      failed: (s.unexpected ?? 0) + (s.flaky ?? 0) + (p.errors?.length ?? 0),
      skipped: s.skipped ?? 0,
    });
  } else results.push({ suite: 'playwright', passed: 0, failed: 1, skipped: 0 });
} else results.push({ suite: 'playwright (not run: build failed)', passed: 0, failed: 1, skipped: 0 });

const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
process.stdout.write('\nSuite results:\n');
for (const r of results)
  process.stdout.write(
    `  ${r.suite.padEnd(28)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}\n`,
  );
process.stdout.write(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`,
);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
