// A generated package of many nodes (issue 15's 60,000-node, 4.3 MB draft), for the hostile test and bench/large-package.ts.

/** A package of `n` nodes: an input every 100, the others each reading the one before. */
export function generatedPackage(n: number): string {
  const lines = ['name: Large', 'version: 1.0.0', 'nodes:'];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) lines.push(`  - {id: n${i}, kind: input, columns: {id: integer, v: number}}`);
    else lines.push(`  - {id: n${i}, kind: sql, inputs: [n${i - 1}], sql: SELECT v FROM n${i - 1}}`);
  }
  return `${lines.join('\n')}\n`;
}
