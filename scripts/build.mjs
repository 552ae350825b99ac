// Production build: the web pages with Vite, the server bundled with esbuild into packages/server/dist.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const web = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: 'packages/web', stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);

const serverPkg = JSON.parse(readFileSync('packages/server/package.json', 'utf8'));
const external = Object.keys(serverPkg.dependencies).filter((d) => !d.startsWith('@flowport/'));
await build({
  // The parse worker is an entry of its own: the server starts it from dist/parse-worker.js, beside
  // dist/main.js (see packages/server/src/engine/parse-pool.ts).
  entryPoints: {
    main: 'packages/server/src/main.ts',
    'parse-worker': 'packages/server/src/engine/parse-worker.ts',
  },
  outdir: 'packages/server/dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// The documentation pages' own files, read beside the bundle (packages/server/src/http/docs-pages.ts).
cpSync('packages/server/src/http/docs', 'packages/server/dist/docs', { recursive: true });
process.stdout.write('Built packages/web/dist and packages/server/dist/main.js (with dist/parse-worker.js)\n');
