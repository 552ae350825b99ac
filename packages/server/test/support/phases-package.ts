// The "Phases" package of the progress and watchdog tests: a node DuckDB has no progress figure for, then one it has.

/**
 * `events` makes a table; `spin` computes over range() (DuckDB reports −1 for it: an indeterminate bar);
 * `totals` scans the two tables (DuckDB has a figure). Each of the last two takes a second or two on two
 * cores with the defaults; a browser test, which watches the bar move, asks for a longer `spin`.
 */
export function phasesPackage(o: { spinRows?: number; spinDepth?: number } = {}): string {
  const { spinRows = 60_000, spinDepth = 30 } = o;
  return `name: Phases
nodes:
  - id: events
    kind: sql
    sql: SELECT range AS i FROM range(150000)
  - id: spin
    kind: sql
    sql: >-
      SELECT sum(length(list_reduce(list_transform(range(${spinDepth}), x -> x::VARCHAR),
      (acc, x) -> md5(acc || x), range::VARCHAR))) AS s FROM range(${spinRows})
  - id: totals
    kind: sql
    inputs: [events, spin]
    sql: >-
      SELECT sum(length(list_reduce(list_transform(range(30), x -> x::VARCHAR),
      (acc, x) -> md5(acc || x), i::VARCHAR))) AS d FROM events, spin
`;
}
