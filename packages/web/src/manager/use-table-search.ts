// The state of the table search (the Ctrl+F box) and of the searches in the column header menus.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { InputRef } from 'antd';
import type { ColumnKey } from './column-keys';
import type { SearchSpec } from './row-filter';

export function useTableSearch() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [columns, setColumns] = useState<Partial<Record<ColumnKey, string>>>({});
  const inputRef = useRef<InputRef>(null);

  const spec = useMemo<SearchSpec>(() => ({ global: open ? text : '', columns }), [open, text, columns]);

  const show = useCallback(() => {
    setOpen(true);
    setTimeout(() => inputRef.current?.focus({ cursor: 'all' }), 0);
  }, []);
  const hide = useCallback(() => {
    setOpen(false);
    setText('');
  }, []);
  const setColumn = useCallback(
    (column: ColumnKey, value: string) => setColumns((current) => ({ ...current, [column]: value })),
    [],
  );

  return { open, text, setText, columns, setColumn, inputRef, spec, show, hide };
}
