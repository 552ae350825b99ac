// Row selection of the table: click selects one row, Ctrl/Cmd+click toggles, Shift+click selects a range.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ItemRow, RowModel } from './manager-rows';

export interface ClickModifiers {
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export interface RowSelection {
  /** Selected rows that still exist, in the order they were selected. */
  rows: ItemRow[];
  keys: ReadonlySet<string>;
  /** `order()` gives the keys of the rows as shown, top to bottom, for Shift+click ranges. */
  click: (key: string, modifiers: ClickModifiers, order: () => string[]) => void;
  /** Right-click: keeps a selection that holds the row, otherwise selects just it. */
  contextSelect: (key: string) => void;
  clear: () => void;
}

export function useRowSelection(model: RowModel): RowSelection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const anchor = useRef<string | null>(null);

  const click = useCallback((key: string, m: ClickModifiers, order: () => string[]) => {
    const toggle = m.ctrlKey || m.metaKey;
    if (m.shiftKey && anchor.current) {
      const keys = order();
      const from = keys.indexOf(anchor.current);
      const to = keys.indexOf(key);
      if (from >= 0 && to >= 0) {
        const range = keys.slice(Math.min(from, to), Math.max(from, to) + 1);
        setSelected((previous) => new Set(toggle ? [...previous, ...range] : range));
        return;
      }
    }
    anchor.current = key;
    if (toggle) {
      setSelected((previous) => {
        const next = new Set(previous);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return next;
      });
    } else {
      setSelected(new Set([key]));
    }
  }, []);

  const contextSelect = useCallback((key: string) => {
    setSelected((previous) => {
      if (previous.has(key)) return previous;
      anchor.current = key;
      return new Set([key]);
    });
  }, []);

  const clear = useCallback(() => setSelected(new Set()), []);

  // Rows that closed meanwhile drop out of the selection.
  const rows = useMemo(() => {
    const out: ItemRow[] = [];
    for (const key of selected) {
      const row = model.byKey.get(key);
      if (row) out.push(row);
    }
    return out;
  }, [selected, model]);
  const keys = useMemo(() => new Set(rows.map((r) => r.key)), [rows]);

  return { rows, keys, click, contextSelect, clear };
}
