// The layering of docs/architecture.md checked on the real import graph (madge): no cycle, each folder's rule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const server = 'packages/server/src/';

/** Type imports count too: a cycle through types still ties two files' meanings together. */
async function graphOf(dirs: string[], baseDir: string): Promise<madge.MadgeInstance> {
  return madge(dirs, {
    baseDir,
    fileExtensions: ['ts', 'tsx'],
    tsConfig: path.join(root, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
}

let graph: Record<string, string[]>;
let cycles: string[][];

beforeAll(async () => {
  const result = await graphOf(['packages/server/src', 'packages/web/src', 'packages/protocol/src'], root);
  graph = result.obj();
  cycles = result.circular();
}, 60_000);

/** Every import of a file under `from` that leads outside the allowed prefixes, as "file → import". */
function breaches(from: string, allowed: string[]): string[] {
  const found: string[] = [];
  for (const [file, imports] of Object.entries(graph)) {
    if (!file.startsWith(from) || file.endsWith('.test.ts')) continue;
    for (const target of imports) {
      if (!allowed.some((prefix) => target.startsWith(prefix))) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

describe('the import graph', () => {
  it('reads every source file of the three packages', () => {
    expect(Object.keys(graph).length).toBeGreaterThan(300);
    expect(graph).toHaveProperty([`${server}app.ts`]);
    expect(graph).toHaveProperty(['packages/web/src/manager/manager-page.tsx']);
  });

  it('has no import cycle', () => {
    expect(cycles).toEqual([]);
  });

  it('finds a cycle where there is one (the check above can fail)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowport-cycle-'));
    try {
      writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = { b: B };\n");
      writeFileSync(path.join(dir, 'b.ts'), "import type { A } from './a';\nexport type B = { a: A };\n");
      const found = (await graphOf([dir], dir)).circular();
      expect(found).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('each folder keeps its rule (docs/architecture.md)', () => {
  const protocol = 'packages/protocol/src/';
  it('protocol imports nothing but itself', () => {
    expect(breaches(protocol, [protocol])).toEqual([]);
  });
  it('the pages import only protocol', () => {
    expect(breaches('packages/web/src/', ['packages/web/src/', protocol])).toEqual([]);
  });
  it('shared imports only protocol', () => {
    expect(breaches(`${server}shared/`, [`${server}shared/`, protocol])).toEqual([]);
  });
  it('the core imports no adapter', () => {
    expect(breaches(`${server}core/`, [`${server}core/`, `${server}shared/`, protocol])).toEqual([]);
  });
  it('the engine never imports the core: only itself, the storage and the basics', () => {
    const allowed = [`${server}engine/`, `${server}storage/`, `${server}shared/`, protocol];
    expect(breaches(`${server}engine/`, allowed)).toEqual([]);
  });
  it('workspace and cli never import http', () => {
    const http = (from: string) => breaches(from, ['']).filter((line) => line.includes(`→ ${server}http/`));
    expect([...http(`${server}workspace/`), ...http(`${server}cli/`)]).toEqual([]);
  });
  it('no source file imports test support', () => {
    const toTests = breaches('packages/', ['']).filter((line) => /→ packages\/[^/]+\/test\//.test(line));
    expect(toTests).toEqual([]);
  });
});
