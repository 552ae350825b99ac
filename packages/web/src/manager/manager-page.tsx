// Session Manager: the administrator's live tree table of sessions, shared packages and the package pool, with actions.
import { useCallback, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Alert, Typography } from 'antd';
import { hasAnyRole, PAGE_ROLES, useAuth } from '../components/auth';
import { useT } from '../components/i18n';
import { NoAccess } from '../components/no-access';
import { ActionFailures } from './action-failures';
import { AuditPanel } from './audit-panel';
import { ConfirmDialog } from './confirm-dialog';
import { ExecutionsPanel } from './executions-panel';
import { GroupJump } from './group-jump';
import type { ColumnKey } from './column-keys';
import { buildColumns, columnWidths, visibleColumnKeys } from './manager-columns';
import { useManagerFormat } from './manager-format';
import './manager-messages';
import type { ManagerRow } from './manager-rows';
import { ManagerTable, TABLE_CSS, type TableHandle } from './manager-table';
import { ManagerToolbar } from './manager-toolbar';
import { RowContextMenu, type ContextAction } from './row-context-menu';
import { filterRows } from './row-filter';
import { sortRows } from './row-sort';
import { poolNodeKeys, shownOrder, tableData } from './table-data';
import { useAuditLog } from './use-audit-log';
import { useColumnLayout } from './use-column-layout';
import { useExpandedRows } from './use-expanded-rows';
import { useHiddenColumns } from './use-hidden-columns';
import { useManagerActions } from './use-manager-actions';
import { useManagerLive } from './use-manager-live';
import { ClusterPanel } from './cluster-panel';
import { ServerPanel, useServerPanelOpen } from './server-panel';
import { useManagerShortcuts } from './use-manager-shortcuts';
import { useRowSelection } from './use-row-selection';
import { isBoolean, STORAGE_KEYS, useStoredState } from './use-stored-state';
import { useServerStats } from './use-server-stats';
import { useTableSearch } from './use-table-search';
import { DEFAULT_WATCH, WatchContext, WatchLegend } from './watch-marker';

export function ManagerPage() {
  const { user } = useAuth();
  if (!hasAnyRole(user, PAGE_ROLES.manager)) return <NoAccess roles={PAGE_ROLES.manager} />;
  return <SessionManager />;
}

function SessionManager() {
  const t = useT();
  const format = useManagerFormat();
  const [resolveNames, setResolveNames] = useStoredState(STORAGE_KEYS.resolveNames, false, isBoolean);
  const { hidden: chosenHidden, setShown } = useHiddenColumns();
  const layout = useColumnLayout();
  const tableRef = useRef<TableHandle>(null);

  const audit = useAuditLog();
  const [serverOpen, setServerOpen] = useServerPanelOpen();
  const stats = useServerStats(serverOpen);
  const live = useManagerLive(resolveNames, audit.add, stats.onSample);
  const { model, connection, cluster } = live;
  // The Node column exists only in a cluster (on a single server every row is this server's).
  const hidden = useMemo<ReadonlySet<ColumnKey>>(
    () => (cluster.node ? chosenHidden : new Set([...chosenHidden, 'node'])),
    [cluster.node, chosenHidden],
  );

  const liveNodes = useMemo(
    () =>
      cluster.node
        ? new Set([cluster.node, ...cluster.nodes.filter((n) => n.state === 'live').map((n) => n.name)])
        : undefined,
    [cluster.node, cluster.nodes],
  );

  const search = useTableSearch();
  const textContext = useMemo(() => ({ t, format, resolveNames }), [t, format, resolveNames]);
  const searched = useMemo(() => filterRows(model, search.spec, textContext), [model, search.spec, textContext]);
  const filtered = useMemo(() => sortRows(searched, layout.sort, textContext), [searched, layout.sort, textContext]);
  const poolHeaders = useMemo(() => poolNodeKeys(model), [model]);
  const expanded = useExpandedRows(filtered, search.spec, poolHeaders);
  const data = useMemo(() => tableData(model, filtered, expanded.set), [model, filtered, expanded.set]);
  const { expandAll: openAll } = expanded;
  const expandAll = useCallback(
    () => openAll(model.sessions.filter((r) => r.children?.length).map((r) => r.key)),
    [openAll, model.sessions],
  );

  const [refreshing, setRefreshing] = useState(false);
  const { refresh: liveRefresh } = live;
  const { load: loadAudit } = audit;
  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      await Promise.all([liveRefresh(), loadAudit()]);
    } catch {
      // shown by the error alert
    } finally {
      setRefreshing(false);
    }
  }, [liveRefresh, loadAudit]);

  const selection = useRowSelection(model);
  // The live feed brings the changes of an action; without it, fetch them at once.
  const afterAction = useCallback(() => {
    if (connection !== 'live') void refresh();
  }, [connection, refresh]);
  // Actions apply to the selected rows the administrator can see: a row hidden by a search or under a
  // collapsed parent stays selected (it shows again when the search is cleared) but is not acted on.
  const shown = useMemo(() => new Set(shownOrder(data, expanded.set)), [data, expanded.set]);
  const visibleSelection = useMemo(() => selection.rows.filter((r) => shown.has(r.key)), [selection.rows, shown]);
  // With the server down the rows may be out of date: nothing is acted on until it answers again.
  const actionable = useMemo(() => (live.serverDown ? [] : visibleSelection), [live.serverDown, visibleSelection]);
  const actions = useManagerActions(actionable, model, afterAction);

  useManagerShortcuts({
    refresh: () => void refresh(),
    search: search.show,
    close: actions.requestClose,
    enabled: !actions.pending,
  });

  const onContextAction = (action: ContextAction) => {
    switch (action) {
      case 'refresh':
        return void refresh();
      case 'stop':
        return actions.requestStop();
      case 'close':
        return actions.requestClose();
      case 'search':
        return search.show();
      case 'resolveNames':
        return setResolveNames((on) => !on);
      case 'clearPool':
        return actions.requestClearPool();
    }
  };

  const { click, contextSelect } = selection;
  const onRowClick = useCallback(
    (row: ManagerRow, e: MouseEvent | KeyboardEvent) => {
      if (row.kind !== 'group') click(row.key, e, () => shownOrder(data, expanded.set));
    },
    [click, data, expanded.set],
  );
  const onRowContextMenu = useCallback(
    (row: ManagerRow) => {
      if (row.kind !== 'group') contextSelect(row.key);
    },
    [contextSelect],
  );

  // Columns follow the language, the hidden set, the column searches and the table's width.
  const [tableWidth, setTableWidth] = useState(0);
  const { columns: columnSearches, setColumn: setColumnSearch } = search;
  const columns = useMemo(
    () =>
      buildColumns({
        t,
        format,
        resolveNames,
        hidden,
        searches: columnSearches,
        setSearch: setColumnSearch,
        hide: (column) => setShown(column, false),
        width: tableWidth,
        sort: layout.sort,
        widths: layout.widths,
        setWidth: layout.setWidth,
      }),
    [t, format, resolveNames, hidden, columnSearches, setColumnSearch, setShown, tableWidth, layout],
  );
  const scrollWidth = useMemo(
    () => Object.values(columnWidths(visibleColumnKeys(hidden), tableWidth, layout.widths)).reduce((a, b) => a + b, 0),
    [hidden, tableWidth, layout.widths],
  );

  return (
    <WatchContext.Provider value={live.watch ?? DEFAULT_WATCH}>
      <div
        className={live.serverDown ? 'fp-manager fp-stale' : 'fp-manager'}
        data-stale={live.serverDown || undefined}
        style={{ display: 'flex', flexDirection: 'column', gap: 12, height: 'calc(100vh - 112px)', minHeight: 480 }}
      >
        <style>{TABLE_CSS}</style>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('manager.title')}
        </Typography.Title>
        <ManagerToolbar
          canStop={actions.canStop}
          canClose={actions.canClose}
          refreshing={refreshing}
          selectionCount={visibleSelection.length}
          onRefresh={() => void refresh()}
          onStop={actions.requestStop}
          onClose={actions.requestClose}
          searchOpen={search.open}
          searchText={search.text}
          searchRef={search.inputRef}
          onSearchToggle={() => (search.open ? search.hide() : search.show())}
          onSearchChange={search.setText}
          onSearchClose={search.hide}
          hidden={hidden}
          setShown={setShown}
          connection={connection}
          updatedAt={live.updatedAt}
          stale={live.serverDown}
          format={format}
        />
        {live.closedReason ? (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="own-session-closed"
            title={t('mgr.ownClosed', { reason: live.closedReason })}
          />
        ) : live.serverDown ? (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="server-down"
            title={t('mgr.loadFailed')}
            description={t('mgr.serverDown', {
              time: live.updatedAt ? format.time(new Date(live.updatedAt).toISOString()) : '—',
            })}
          />
        ) : (
          live.error &&
          (!live.loaded || connection !== 'live') && (
            <Alert type="warning" showIcon role="alert" title={t('mgr.loadFailed')} description={live.error} />
          )
        )}
        <ClusterPanel
          cluster={cluster}
          filter={columnSearches.node ?? ''}
          onFilter={(node) => setColumnSearch('node', node)}
        />
        <ServerPanel
          byNode={stats.byNode}
          liveNodes={liveNodes}
          error={stats.error}
          format={format}
          open={serverOpen}
          onOpen={setServerOpen}
        />
        <ActionFailures failures={actions.failures} onClose={actions.dismissFailures} />
        <GroupJump
          groups={data}
          onJump={(key) => tableRef.current?.scrollTo({ key })}
          onExpandAll={expandAll}
          onCollapseAll={expanded.collapseAll}
        />
        <RowContextMenu
          canStop={actions.canStop}
          canClose={actions.canClose}
          resolveNames={resolveNames}
          onAction={onContextAction}
        >
          <div style={{ flex: 1, minHeight: 200, display: 'flex', flexDirection: 'column' }}>
            <ManagerTable
              label={t('mgr.table')}
              data={data}
              columns={columns}
              scrollWidth={scrollWidth}
              expandedKeys={expanded.keys}
              onExpand={expanded.toggle}
              selected={selection.keys}
              loading={!live.loaded}
              emptyText={filtered.active ? t('mgr.search.noMatch') : t('mgr.empty')}
              onRowClick={onRowClick}
              onRowContextMenu={onRowContextMenu}
              onWidth={setTableWidth}
              onSort={layout.setSort}
              tableRef={tableRef}
            />
          </div>
        </RowContextMenu>
        <WatchLegend />
        <ExecutionsPanel />
        <AuditPanel audit={audit} />
        <ConfirmDialog
          pending={actions.pending}
          busy={actions.busy}
          onOk={() => void actions.confirm()}
          onCancel={actions.cancel}
        />
      </div>
    </WatchContext.Provider>
  );
}
