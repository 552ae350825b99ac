// The columns of the Session Manager, their default widths and which of them can be hidden.

export const COLUMN_KEYS = [
  'name',
  'activity',
  'runningFor',
  'idleFor',
  'memory',
  'host',
  'node',
  'role',
  'version',
  'created',
  'saved',
  'path',
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** Every column but the first can be hidden. */
export const HIDEABLE_COLUMNS: readonly ColumnKey[] = COLUMN_KEYS.filter((k) => k !== 'name');

export const COLUMN_WIDTHS: Record<ColumnKey, number> = {
  name: 300,
  activity: 180,
  runningFor: 140,
  idleFor: 120,
  memory: 120,
  host: 140,
  role: 80,
  version: 100,
  created: 170,
  saved: 170,
  path: 220,
  node: 120,
};

export function isColumnKey(value: unknown): value is ColumnKey {
  return typeof value === 'string' && (COLUMN_KEYS as readonly string[]).includes(value);
}

/** The narrowest a column can be dragged to. */
export const MIN_COLUMN_WIDTH = 60;
