// The table of backups of unsaved work (package, time, reason), with Open as a draft and Discard; loads itself.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Popconfirm, Space, Table, Tooltip } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import type { BackupDto } from '@flowport/protocol';
import { backupsApi } from '../api/backups-api';
import './backups-messages';
import { useFormatTime, useT } from './i18n';

interface BackupsTableProps {
  /** Administrators' view: every user's backups, with the user column. */
  all?: boolean;
  /** Opens a backup's text as a draft (the Studio); absent where there is no session (Administration). */
  onOpen?: (backup: BackupDto, yaml: string) => Promise<void>;
}

/** The user of a session name `<user>:<id>`. */
const userOf = (name: string) => (name.lastIndexOf(':') > 0 ? name.slice(0, name.lastIndexOf(':')) : name);

export function BackupsTable({ all = false, onOpen }: BackupsTableProps) {
  const t = useT();
  const time = useFormatTime();
  const { message } = App.useApp();
  const [backups, setBackups] = useState<BackupDto[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setBackups(all ? await backupsApi.all() : await backupsApi.mine());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [all]);
  useEffect(() => void load(), [load]);

  const open = async (b: BackupDto) => {
    setBusy(b.id);
    try {
      await onOpen!(b, await backupsApi.source(b.id));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const discard = async (b: BackupDto) => {
    setBusy(b.id);
    try {
      await backupsApi.discard(b.id);
      setBackups((list) => list.filter((x) => x.id !== b.id));
      void message.success(t('backups.discarded'));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const reasonText = (b: BackupDto) => {
    const key = `backups.reason.${b.reason}`;
    const text = t(key) === key ? b.reason : t(key);
    return b.by ? `${text} ${t('backups.by', { name: userOf(b.by) })}` : text;
  };

  const columns: ColumnsType<BackupDto> = [
    ...(all ? [{ key: 'user', title: t('backups.user'), dataIndex: 'user', width: 140 }] : []),
    {
      key: 'package',
      title: t('backups.package'),
      render: (_, b) => (
        <Tooltip title={b.file}>
          <span>
            {b.name} <span style={{ color: '#8c8c8c' }}>{b.path ?? t('backups.draft')}</span>
          </span>
        </Tooltip>
      ),
    },
    { key: 'at', title: t('backups.at'), width: 190, render: (_, b) => time(b.at) },
    { key: 'reason', title: t('backups.reason'), render: (_, b) => reasonText(b) },
    {
      key: 'actions',
      title: t('backups.actions'),
      width: onOpen ? 260 : 120,
      render: (_, b) => (
        <Space size={4}>
          {onOpen && (
            <Button size="small" loading={busy === b.id} onClick={() => void open(b)}>
              {t('backups.open')}
            </Button>
          )}
          <Popconfirm
            title={t('backups.discardConfirm')}
            okText={t('backups.discard')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => discard(b)}
          >
            <Button size="small" danger disabled={busy === b.id}>
              {t('backups.discard')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon role="alert" title={t('backups.loadFailed')} description={error} />}
      <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button size="small" icon={<ReloadOutlined />} aria-label={t('backups.reload')} onClick={() => void load()} />
      </div>
      <Table<BackupDto>
        aria-label={t('backups.table')}
        size="small"
        rowKey="id"
        loading={loading}
        columns={columns}
        dataSource={backups}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('backups.empty') }}
      />
    </Space>
  );
}
