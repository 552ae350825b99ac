// The toolbar above the table: Refresh, Stop, Close, Search (with its search box), Columns and the connection state.
import type { Ref } from 'react';
import { Button, Input, Space, Tooltip, Typography, type InputRef } from 'antd';
import { CloseOutlined, ReloadOutlined, SearchOutlined, StopOutlined } from '@ant-design/icons';
import { useT } from '../components/i18n';
import { ColumnChooser, type ColumnChooserProps } from './column-chooser';
import { ConnectionStatus } from './connection-status';
import type { ConnectionState } from './live-connection';
import type { ManagerFormat } from './manager-format';

export interface ManagerToolbarProps extends ColumnChooserProps {
  canStop: boolean;
  canClose: boolean;
  refreshing: boolean;
  selectionCount: number;
  onRefresh: () => void;
  onStop: () => void;
  onClose: () => void;
  searchOpen: boolean;
  searchText: string;
  searchRef: Ref<InputRef>;
  onSearchToggle: () => void;
  onSearchChange: (text: string) => void;
  onSearchClose: () => void;
  connection: ConnectionState;
  updatedAt: number;
  /** The server does not answer: the rows may be out of date. */
  stale?: boolean;
  format: ManagerFormat;
}

export function ManagerToolbar(p: ManagerToolbarProps) {
  const t = useT();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
      <Space wrap role="toolbar" aria-label={t('mgr.action.toolbar')}>
        <Tooltip title="Alt+F5">
          <Button
            icon={<ReloadOutlined aria-hidden />}
            loading={p.refreshing}
            onClick={p.onRefresh}
            aria-keyshortcuts="Alt+F5"
          >
            {t('mgr.action.refresh')}
          </Button>
        </Tooltip>
        <Button icon={<StopOutlined aria-hidden />} disabled={!p.canStop} onClick={p.onStop}>
          {t('mgr.action.stop')}
        </Button>
        <Tooltip title="Delete">
          <Button
            icon={<CloseOutlined aria-hidden />}
            disabled={!p.canClose}
            onClick={p.onClose}
            aria-keyshortcuts="Delete"
          >
            {t('mgr.action.close')}
          </Button>
        </Tooltip>
        <Tooltip title="Ctrl+F">
          <Button
            icon={<SearchOutlined aria-hidden />}
            aria-keyshortcuts="Control+F"
            aria-expanded={p.searchOpen}
            type={p.searchOpen ? 'primary' : 'default'}
            ghost={p.searchOpen}
            onClick={p.onSearchToggle}
          >
            {t('mgr.action.search')}
          </Button>
        </Tooltip>
        <ColumnChooser hidden={p.hidden} setShown={p.setShown} />
      </Space>
      {p.searchOpen && (
        <Input
          ref={p.searchRef}
          role="searchbox"
          allowClear
          autoFocus
          prefix={<SearchOutlined aria-hidden />}
          aria-label={t('mgr.search.label')}
          placeholder={t('mgr.search.placeholder')}
          value={p.searchText}
          onChange={(e) => p.onSearchChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') p.onSearchClose();
          }}
          style={{ width: 320 }}
        />
      )}
      <span style={{ flex: 1 }} />
      {p.selectionCount > 0 && (
        <Typography.Text type="secondary" data-testid="selection-count">
          {t('mgr.selection', { count: p.selectionCount })}
        </Typography.Text>
      )}
      <ConnectionStatus state={p.connection} updatedAt={p.updatedAt} format={p.format} stale={p.stale} />
    </div>
  );
}
