// The collapsible execution history under the table: the last finished executions of every kind, searchable.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Collapse, Input, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { HistoryOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ExecutionHistoryEntry } from '@flowport/protocol';
import { useT } from '../components/i18n';
import { managerApi } from './manager-api';
import { useManagerFormat } from './manager-format';
import { isBoolean, STORAGE_KEYS, useStoredState } from './use-stored-state';

/** Who stopped it, from the stop's reason: "stopped by administrator admin:x" names the administrator. */
function stopper(reason: string | null): string | null {
  if (!reason) return null;
  const m = /administrator ([^:\s]+)/.exec(reason);
  return m ? m[1]! : reason;
}

export function ExecutionsPanel() {
  const t = useT();
  const format = useManagerFormat();
  const [open, setOpen] = useStoredState(STORAGE_KEYS.executionsOpen, false, isBoolean);
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<ExecutionHistoryEntry[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (text: string) => {
    setLoading(true);
    try {
      setRows((await managerApi.executions(text)).executions);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (open) void load(search);
    // The search is applied on Enter, not on every key.
  }, [open, load]);

  const outcome = (e: ExecutionHistoryEntry) => {
    if (e.outcome === 'done') return <Tag color="green">{t('mgr.exec.done')}</Tag>;
    if (e.outcome === 'failed')
      return (
        <Tooltip title={e.error ?? undefined}>
          <Tag color="red">{t('mgr.exec.failed')}</Tag> <span style={{ color: '#8c8c8c' }}>{e.error}</span>
        </Tooltip>
      );
    const by = stopper(e.stoppedBy);
    return <Tag color="orange">{by ? t('mgr.exec.stoppedBy', { name: by }) : t('mgr.exec.stopped')}</Tag>;
  };

  const columns: TableColumnsType<ExecutionHistoryEntry> = [
    { key: 'user', title: t('mgr.exec.user'), width: 130, render: (_, e) => e.user ?? '—' },
    { key: 'kind', title: t('mgr.exec.kind'), width: 110, render: (_, e) => (e.kind ? t(`mgr.kind.${e.kind}`) : '—') },
    {
      key: 'package',
      title: t('mgr.exec.package'),
      ellipsis: true,
      render: (_, e) => (
        <Tooltip title={e.path ?? undefined}>
          <span>{e.package}</span>
        </Tooltip>
      ),
    },
    { key: 'node', title: t('mgr.exec.node'), width: 130, render: (_, e) => e.node ?? t('mgr.exec.allNodes') },
    { key: 'started', title: t('mgr.exec.started'), width: 190, render: (_, e) => format.dateTime(e.startedAt) },
    {
      key: 'duration',
      title: t('mgr.exec.duration'),
      width: 110,
      render: (_, e) => t('mgr.exec.seconds', { s: (e.durationMs / 1000).toFixed(1) }),
    },
    { key: 'outcome', title: t('mgr.exec.outcome'), ellipsis: true, render: (_, e) => outcome(e) },
  ];

  return (
    <Collapse
      size="small"
      activeKey={open ? ['executions'] : []}
      onChange={(keys) => setOpen((Array.isArray(keys) ? keys : [keys]).includes('executions'))}
      items={[
        {
          key: 'executions',
          label: (
            <span>
              <HistoryOutlined aria-hidden /> {t('mgr.exec.title')}
            </span>
          ),
          children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space>
                <Input.Search
                  allowClear
                  size="small"
                  aria-label={t('mgr.exec.search')}
                  placeholder={t('mgr.exec.search')}
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  onSearch={(text) => void load(text)}
                  style={{ width: 320 }}
                />
                <Button
                  size="small"
                  icon={<ReloadOutlined />}
                  aria-label={t('mgr.exec.reload')}
                  onClick={() => void load(search)}
                />
              </Space>
              {error && (
                <Alert type="error" showIcon role="alert" title={t('mgr.exec.loadFailed')} description={error} />
              )}
              <Table<ExecutionHistoryEntry>
                aria-label={t('mgr.exec.table')}
                size="small"
                rowKey="id"
                loading={loading}
                columns={columns}
                dataSource={rows}
                pagination={false}
                scroll={{ y: 240 }}
                locale={{ emptyText: t('mgr.exec.empty') }}
              />
            </Space>
          ),
        },
      ]}
    />
  );
}
