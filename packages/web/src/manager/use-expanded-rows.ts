// Which rows are open: the groups at first, sessions by their "+" or all at once, and the ones a search opened.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { GROUP_KEYS } from './manager-rows';
import type { FilteredRows, SearchSpec } from './row-filter';

export interface ExpandedRows {
  keys: string[];
  set: ReadonlySet<string>;
  toggle: (key: string, open: boolean) => void;
  /** Opens the groups and the given rows (every session with packages). */
  expandAll: (keys: readonly string[]) => void;
  /** Closes every row, the groups too: the three group rows are all that is left, each a click away. */
  collapseAll: () => void;
}

/** `headers`: rows open unless the user closed them (a cluster's pool header per node, known only later). */
export function useExpandedRows(
  filtered: FilteredRows,
  spec: SearchSpec,
  headers: readonly string[] = [],
): ExpandedRows {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(GROUP_KEYS));
  const [closedHeaders, setClosedHeaders] = useState<ReadonlySet<string>>(() => new Set());
  // Sessions the user closed although the search opened them; forgotten when the search changes.
  const [closedMatches, setClosedMatches] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => setClosedMatches(new Set()), [spec]);

  const keys = useMemo(() => {
    const all = new Set(expanded);
    for (const key of filtered.expand) if (!closedMatches.has(key)) all.add(key);
    for (const key of headers) if (!closedHeaders.has(key)) all.add(key);
    return [...all];
  }, [expanded, filtered.expand, closedMatches, headers, closedHeaders]);
  const set = useMemo(() => new Set(keys), [keys]);

  const toggle = useCallback((key: string, open: boolean) => {
    const change = (add: boolean) => (current: ReadonlySet<string>) => {
      const next = new Set(current);
      if (add) next.add(key);
      else next.delete(key);
      return next;
    };
    setExpanded(change(open));
    setClosedMatches(change(!open));
    setClosedHeaders(change(!open));
  }, []);

  const { expand } = filtered;
  const expandAll = useCallback((keys: readonly string[]) => {
    setExpanded(new Set([...GROUP_KEYS, ...keys]));
    setClosedMatches(new Set());
  }, []);
  const collapseAll = useCallback(() => {
    setExpanded(new Set());
    setClosedMatches(new Set(expand));
  }, [expand]);

  return { keys, set, toggle, expandAll, collapseAll };
}
