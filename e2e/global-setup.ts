// Before the browser tests: make sure the web pages are built (packages/web/dist) and not older
// than their sources, since the server under test serves that build. Set FLOWPORT_E2E_SKIP_BUILD=1
// to use whatever build is there.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(repo, 'packages/web');
const built = path.join(web, 'dist/index.html');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

export default function globalSetup(): void {
  if (!existsSync('/usr/bin/chromium') && !process.env.FLOWPORT_CHROMIUM) {
    throw new Error("Chromium is missing at /usr/bin/chromium (install Debian's chromium, or set FLOWPORT_CHROMIUM)");
  }
  if (process.env.FLOWPORT_E2E_SKIP_BUILD === '1' && existsSync(built)) return;
  const sources = [
    path.join(web, 'src'),
    path.join(web, 'index.html'),
    path.join(web, 'vite.config.ts'),
    path.join(web, 'package.json'),
    path.join(repo, 'packages/protocol/src'),
  ];
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt > 0 && Math.max(...sources.map(newestMtime)) <= builtAt) return;
  console.log('[e2e] building the web pages (npm run build -w @flowport/web)…');
  execFileSync('npm', ['run', 'build', '-w', '@flowport/web'], { cwd: repo, stdio: 'inherit' });
}
