// The columns of the tree table: their cells, header menus with a column search, sorting and widths.
import type { TableColumnsType } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import type { Translate } from '../components/i18n';
import { PackageActivity, SessionActivity } from './activity-cell';
import { COLUMN_KEYS, COLUMN_WIDTHS, type ColumnKey } from './column-keys';
import type { ResizableHeaderProps } from './column-resize';
import { ColumnSearch } from './column-search';
import { Elapsed, MemoryCell } from './elapsed-cell';
import type { ManagerFormat } from './manager-format';
import type { ManagerRow } from './manager-rows';
import { NameCell } from './name-cell';
import { RoleIcon } from './role-icon';
import { hostText } from './row-filter';
import type { SortSpec } from './row-sort';
import type { ColumnWidths } from './use-column-layout';

export interface ColumnsOptions {
  t: Translate;
  format: ManagerFormat;
  resolveNames: boolean;
  hidden: ReadonlySet<ColumnKey>;
  searches: Partial<Record<ColumnKey, string>>;
  setSearch: (column: ColumnKey, value: string) => void;
  hide: (column: ColumnKey) => void;
  /** The width the table has; the last column takes what the others leave. */
  width: number;
  sort: SortSpec | null;
  /** Widths the administrator dragged to. */
  widths: ColumnWidths;
  setWidth: (column: ColumnKey, width: number) => void;
}

export const columnTitle = (t: Translate, key: ColumnKey) => t(`mgr.col.${key}`);

function HostCell({ row, resolveNames, t }: { row: ManagerRow; resolveNames: boolean; t: Translate }) {
  if (row.kind !== 'session') return null;
  const shown = hostText(row.session, resolveNames);
  return (
    <span
      className="fp-host"
      title={shown !== row.session.host ? t('mgr.host.ip', { ip: row.session.host }) : undefined}
    >
      {shown}
    </span>
  );
}

function renderCell(key: ColumnKey, row: ManagerRow, o: ColumnsOptions) {
  const { format } = o;
  if (key === 'name') return <NameCell row={row} format={format} />;
  if (row.kind === 'group') return null;
  const pkg = row.kind === 'session' ? null : row.pkg;
  const item = pkg ?? (row.kind === 'session' ? row.session : null)!;
  switch (key) {
    case 'runningFor':
      return item.runningSince ? <Elapsed since={item.runningSince} className="fp-running-for" /> : null;
    case 'idleFor':
      // A running row is not idle.
      return item.running || isRunningSession(row) ? null : (
        <Elapsed since={item.lastActivityAt} className="fp-idle-for" />
      );
    case 'memory':
      return <MemoryCell bytes={item.memoryBytes} format={format} />;
    case 'activity':
      return row.kind === 'session' ? (
        <SessionActivity session={row.session} format={format} />
      ) : (
        <PackageActivity pkg={pkg!} format={format} />
      );
    case 'host':
      return <HostCell row={row} resolveNames={o.resolveNames} t={o.t} />;
    case 'role':
      return row.kind === 'session' ? <RoleIcon role={row.session.role} /> : null;
    case 'version':
      return pkg?.version ?? null;
    case 'created':
      return format.dateTime(pkg ? pkg.createdAt : row.kind === 'session' ? row.session.createdAt : null);
    case 'saved':
      return pkg ? format.dateTime(pkg.savedAt) : null;
    case 'path':
      return pkg?.path ? <span title={pkg.path}>{pkg.path}</span> : null;
    case 'node':
      return (pkg ?? (row.kind === 'session' ? row.session : null))?.node ?? null;
  }
}

const isRunningSession = (row: ManagerRow) => row.kind === 'session' && row.session.packages.some((p) => p.running);

export function visibleColumnKeys(hidden: ReadonlySet<ColumnKey>): ColumnKey[] {
  return COLUMN_KEYS.filter((k) => k === 'name' || !hidden.has(k));
}

/** Column widths: as dragged or the defaults, except that the last visible column grows to fill the table's width. */
export function columnWidths(keys: ColumnKey[], width: number, chosen: ColumnWidths = {}): Record<string, number> {
  const widths: Record<string, number> = {};
  let sum = 0;
  for (const k of keys) sum += widths[k] = chosen[k] ?? COLUMN_WIDTHS[k];
  const last = keys[keys.length - 1];
  if (width > sum) widths[last] += width - sum;
  return widths;
}

export function buildColumns(o: ColumnsOptions): TableColumnsType<ManagerRow> {
  const keys = visibleColumnKeys(o.hidden);
  const widths = columnWidths(keys, o.width, o.widths);
  return keys.map((key) => {
    const title = columnTitle(o.t, key);
    const value = o.searches[key] ?? '';
    const header: ResizableHeaderProps = {
      onResizeWidth: (width) => o.setWidth(key, width),
      resizeLabel: o.t('mgr.col.resize', { column: title }),
      ...({ 'data-column': key } as object),
    };
    return {
      key,
      title,
      width: widths[key],
      // The rows come sorted (row-sort.ts): the table only shows the order and reports header clicks.
      sorter: true,
      sortOrder: o.sort?.column === key ? (o.sort.direction === 'asc' ? 'ascend' : 'descend') : null,
      showSorterTooltip: { title: o.t('mgr.col.sortHint') },
      // A new object each time: antd wraps the returned onClick with its sorter's.
      onHeaderCell: () => ({ ...header }) as React.HTMLAttributes<HTMLElement>,
      ellipsis: key === 'path' || key === 'host',
      render: (_: unknown, row: ManagerRow) => renderCell(key, row, o),
      // A group row's title spans the whole row.
      onCell: (row: ManagerRow) =>
        ({
          role: 'gridcell',
          'data-column': key,
          ...(row.kind === 'group' ? { colSpan: key === 'name' ? keys.length : 0 } : {}),
        }) as React.HTMLAttributes<HTMLElement>,
      filtered: value.trim() !== '',
      filterIcon: (filtered: boolean) => (
        <SearchOutlined
          aria-label={o.t('mgr.col.menu', { column: title })}
          style={{ color: filtered ? '#1677ff' : undefined }}
        />
      ),
      filterDropdown: ({ close, visible }) => (
        <ColumnSearch
          title={title}
          value={value}
          visible={visible}
          onChange={(next) => o.setSearch(key, next)}
          onClose={close}
          onHide={key === 'name' ? undefined : () => o.hide(key)}
        />
      ),
    };
  });
}
