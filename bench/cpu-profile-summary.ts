// Where a --cpu-prof profile's time went: self time by area of the code and by function, optionally per call.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * The source file of each line of an esbuild bundle: esbuild writes `// <path>.ts` before each
 * module's code, so a frame of the bench bundle is put in the module it came from.
 */
const bundleModules = new Map<string, { line: number; file: string }[]>();
function moduleOf(url: string, line: number): string | undefined {
  if (!url.startsWith('file://') || !url.endsWith('.mjs')) return undefined;
  let marks = bundleModules.get(url);
  if (!marks) {
    marks = [];
    // BENCH_BUNDLE: a copy of the bundle the profile was made with (the bench writes it again on every run).
    readFileSync(process.env.BENCH_BUNDLE ?? new URL(url), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /^\/\/ (\S+\.ts)$/.exec(text);
        if (m) marks!.push({ line: i, file: m[1]!.replace(/^packages\/server\/src\//, '') });
      });
    bundleModules.set(url, marks);
  }
  let found: string | undefined;
  for (const m of marks) if (m.line <= line) found = m.file;
  return found;
}

/** The area a frame belongs to: our modules by file, dependencies by package, Node and V8 by kind. */
function area(url: string, name: string, line: number): string {
  const bundled = moduleOf(url, line);
  if (bundled) return bundled;
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  return path.basename(url);
}

/**
 * Usage: [BENCH_BUNDLE=<copy of the bench bundle>] tsx bench/cpu-profile-summary.ts <profile or folder>
 * [calls] [top]. LAST_MS / SKIP_END_MS: a window at the profile's end. With `calls` (the requests answered while profiled) the times are also given per call.
 */
function main() {
  const [target, callsArg, topArg] = process.argv.slice(2);
  if (!target) throw new Error('usage: cpu-profile-summary <file.cpuprofile | folder> [calls] [top]');
  const file = target.endsWith('.cpuprofile')
    ? target
    : path.join(
        target,
        readdirSync(target)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .at(-1)!,
      );
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const calls = Number(callsArg ?? 0);
  const top = Number(topArg ?? 40);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // LAST_MS: only the samples of the profile's last milliseconds (a bench's final phase, the process's stop excluded by SKIP_END_MS).
  const lastUs = Number(process.env.LAST_MS ?? 0) * 1000;
  const skipEndUs = Number(process.env.SKIP_END_MS ?? 0) * 1000;
  const self = new Map<number, number>();
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (lastUs && (at < p.endTime - skipEndUs - lastUs || at > p.endTime - skipEndUs)) return;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const sum = (key: (n: ProfileNode) => string) => {
    const m = new Map<string, number>();
    for (const [id, t] of self) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName === '(idle)') continue;
      m.set(key(n), (m.get(key(n)) ?? 0) + t);
    }
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  const line = (label: string, us: number) =>
    `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %` +
    `${calls ? ` ${(us / calls).toFixed(1).padStart(8)} µs/call` : ''}  ${label}\n`;
  process.stdout.write(`${file}\nbusy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled\n`);
  process.stdout.write('\nby area (self time)\n');
  for (const [k, t] of sum((n) => area(n.callFrame.url, n.callFrame.functionName, n.callFrame.lineNumber)).slice(0, 25))
    process.stdout.write(line(k, t));
  // Inclusive: every sample counts once for each function on its stack (recursion counted once).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = moduleOf(url, lineNumber) ?? path.basename(url);
    return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  };
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(name(byId.get(at)!));
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + t);
  }
  process.stdout.write('\nby function (inclusive time)\n');
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(line(k, t));
  process.stdout.write('\nby function (self time)\n');
  for (const [k, t] of sum(name).slice(0, top)) process.stdout.write(line(k, t));
}

main();
