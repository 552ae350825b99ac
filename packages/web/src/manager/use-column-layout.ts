// The table's sort and its column widths, remembered in localStorage like the hidden columns.
import { useCallback, useMemo } from 'react';
import { isColumnKey, MIN_COLUMN_WIDTH, type ColumnKey } from './column-keys';
import { isSortSpec, type SortSpec } from './row-sort';
import { STORAGE_KEYS, useStoredState } from './use-stored-state';

export type ColumnWidths = Partial<Record<ColumnKey, number>>;

const isWidths = (value: unknown): value is ColumnWidths =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(([k, v]) => isColumnKey(k) && typeof v === 'number' && v >= MIN_COLUMN_WIDTH);

export function useColumnLayout() {
  const [sort, setSort] = useStoredState<SortSpec | null>(STORAGE_KEYS.sort, null, isSortSpec);
  const [widths, setWidths] = useStoredState<ColumnWidths>(STORAGE_KEYS.columnWidths, {}, isWidths);
  const setWidth = useCallback(
    (column: ColumnKey, width: number) => setWidths((current) => ({ ...current, [column]: width })),
    [setWidths],
  );
  return useMemo(() => ({ sort, setSort, widths, setWidth }), [sort, setSort, widths, setWidth]);
}
