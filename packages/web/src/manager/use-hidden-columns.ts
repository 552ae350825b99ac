// The columns the administrator hid, remembered in localStorage.
import { useCallback, useMemo } from 'react';
import { isColumnKey, type ColumnKey } from './column-keys';
import { isStringArray, STORAGE_KEYS, useStoredState } from './use-stored-state';

export function useHiddenColumns() {
  const [list, setList] = useStoredState<string[]>(STORAGE_KEYS.hiddenColumns, [], isStringArray);
  const hidden = useMemo<ReadonlySet<ColumnKey>>(() => new Set(list.filter(isColumnKey)), [list]);
  const setShown = useCallback(
    (column: ColumnKey, shown: boolean) =>
      setList((current) => (shown ? current.filter((k) => k !== column) : [...new Set([...current, column])])),
    [setList],
  );
  return { hidden, setShown };
}
