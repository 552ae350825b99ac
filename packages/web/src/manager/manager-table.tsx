// The virtualized antd tree table: fills its box, marks selected and running rows, and reports clicks and right-clicks.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type Ref } from 'react';
import { Table, type TableColumnsType } from 'antd';
import { PROGRESS_CSS } from './activity-cell';
import { isColumnKey } from './column-keys';
import { ResizableHeaderCell, RESIZE_CSS } from './column-resize';
import { canExpand, isRunning, type GroupRow, type ManagerRow } from './manager-rows';
import type { SortSpec } from './row-sort';
import { WATCH_CSS } from './watch-marker';

/** The table's handle for the jump links. */
export interface TableHandle {
  scrollTo: (config: { key?: string; index?: number; top?: number }) => void;
}

export interface ManagerTableProps {
  label: string;
  data: GroupRow[];
  columns: TableColumnsType<ManagerRow>;
  /** Sum of the column widths. */
  scrollWidth: number;
  expandedKeys: readonly string[];
  onExpand: (key: string, expanded: boolean) => void;
  selected: ReadonlySet<string>;
  loading: boolean;
  emptyText: string;
  onRowClick: (row: ManagerRow, e: MouseEvent | KeyboardEvent) => void;
  onRowContextMenu: (row: ManagerRow) => void;
  /** Reports the width the table has, for the columns. */
  onWidth: (width: number) => void;
  /** A column header was clicked: the next sort (null: off). */
  onSort: (sort: SortSpec | null) => void;
  tableRef?: Ref<TableHandle>;
}

const COMPONENTS = { header: { cell: ResizableHeaderCell } };

/** Height of the small table's header row. */
const HEADER_HEIGHT = 40;

export const TABLE_CSS = `
.fp-manager .ant-table-row { user-select: none; cursor: default; }
.fp-manager .ant-table-row:focus-visible { outline: 2px solid #1677ff; outline-offset: -2px; }
.fp-manager .ant-table-thead .ant-table-column-title { white-space: nowrap; }
.fp-manager .fp-row-selected > .ant-table-cell,
.fp-manager .fp-row-selected:hover > .ant-table-cell { background: #bae0ff !important; }
.fp-manager .fp-row-group > .ant-table-cell { background: #f5f5f5; }
.fp-manager .fp-activity-running { color: #389e0d; }
.fp-manager.fp-stale .ant-table-tbody .ant-table-row > .ant-table-cell { color: #8c8c8c; opacity: 0.5; }
${RESIZE_CSS}${WATCH_CSS}${PROGRESS_CSS}`;

/** A row's depth in the tree: a cluster's pool has a header per node, its items one level deeper. */
function ariaLevel(row: ManagerRow): number {
  if (row.kind === 'group') return row.node ? 2 : 1;
  return row.kind === 'package' || (row.kind === 'pool' && row.pkg.node) ? 3 : 2;
}

function useBoxSize() {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const next = { width: Math.floor(element.clientWidth), height: Math.floor(element.clientHeight) };
      setSize((previous) => (previous.width === next.width && previous.height === next.height ? previous : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, ...size };
}

export function ManagerTable(p: ManagerTableProps) {
  const box = useBoxSize();
  const { onWidth } = p;
  useEffect(() => {
    if (box.width > 0) onWidth(box.width);
  }, [box.width, onWidth]);

  const expanded = useMemo(() => new Set(p.expandedKeys), [p.expandedKeys]);
  const { selected, onRowClick, onRowContextMenu, onExpand, onSort } = p;

  const onRow = useMemo(
    () => (row: ManagerRow) => {
      const hasChildren = canExpand(row);
      return {
        role: 'row',
        'aria-selected': row.kind === 'group' ? undefined : selected.has(row.key),
        'aria-level': ariaLevel(row),
        'aria-expanded': hasChildren ? expanded.has(row.key) : undefined,
        'data-kind': row.kind,
        onMouseDown: (e: MouseEvent) => {
          // Shift+click selects rows, not text.
          if (e.shiftKey) e.preventDefault();
        },
        onClick: (e: MouseEvent) => onRowClick(row, e),
        // Rows can be reached with Tab and selected with Space or Enter (Ctrl and Shift work as with clicks).
        tabIndex: row.kind === 'group' ? undefined : 0,
        onKeyDown: (e: KeyboardEvent) => {
          if (e.target !== e.currentTarget || (e.key !== ' ' && e.key !== 'Enter')) return;
          e.preventDefault();
          onRowClick(row, e);
        },
        onDoubleClick: () => {
          if (hasChildren) onExpand(row.key, !expanded.has(row.key));
        },
        onContextMenu: () => onRowContextMenu(row),
      } as React.HTMLAttributes<HTMLElement>;
    },
    [selected, expanded, onRowClick, onRowContextMenu, onExpand],
  );

  const rowClassName = useMemo(
    () => (row: ManagerRow) => {
      if (row.kind === 'group') return 'fp-row-group';
      const classes: string[] = [];
      if (selected.has(row.key)) classes.push('fp-row-selected');
      if (isRunning(row)) classes.push('fp-row-running');
      return classes.join(' ');
    },
    [selected],
  );

  const height = Math.max(120, box.height - HEADER_HEIGHT);
  return (
    <div ref={box.ref} role="region" aria-label={p.label} style={{ flex: 1, minHeight: 200, overflow: 'hidden' }}>
      {box.width > 0 && (
        <Table<ManagerRow>
          virtual
          ref={p.tableRef as never}
          components={COMPONENTS}
          onChange={(_pagination, _filters, sorter, extra) => {
            if (extra.action !== 'sort' || Array.isArray(sorter)) return;
            // antd steps ascending, descending, off; off comes without a column.
            const column = sorter.order && isColumnKey(sorter.columnKey) ? sorter.columnKey : null;
            onSort(column ? { column, direction: sorter.order === 'ascend' ? 'asc' : 'desc' } : null);
          }}
          size="small"
          rowKey="key"
          columns={p.columns}
          dataSource={p.data}
          pagination={false}
          loading={p.loading}
          scroll={{ x: p.scrollWidth, y: height }}
          expandable={{
            expandedRowKeys: p.expandedKeys as string[],
            onExpand: (isExpanded, row) => onExpand(row.key, isExpanded),
            indentSize: 20,
          }}
          onRow={onRow}
          rowClassName={rowClassName}
          locale={{ emptyText: p.emptyText }}
        />
      )}
    </div>
  );
}
