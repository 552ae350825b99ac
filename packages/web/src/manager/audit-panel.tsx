// The collapsible audit panel under the table: the latest administrator actions, live.
import { Alert, Collapse, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { AuditOutlined } from '@ant-design/icons';
import type { AuditEntry } from '@flowport/protocol';
import { useT } from '../components/i18n';
import { useManagerFormat } from './manager-format';
import type { AuditLogState } from './use-audit-log';
import { isBoolean, STORAGE_KEYS, useStoredState } from './use-stored-state';

export function AuditPanel({ audit }: { audit: AuditLogState }) {
  const t = useT();
  const format = useManagerFormat();
  const [open, setOpen] = useStoredState(STORAGE_KEYS.auditOpen, false, isBoolean);

  const actionLabel = (action: string) => {
    const key = `mgr.audit.action.${action}`;
    const text = t(key);
    return text === key ? action : text;
  };

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'at', title: t('mgr.audit.at'), width: 190, render: (_, e) => format.dateTime(e.at) },
    {
      key: 'actor',
      title: t('mgr.audit.actor'),
      width: 140,
      // The watchdog's stops and closes are the server's own.
      render: (_, e) => (e.actor === 'server' ? t('mgr.audit.byServer') : e.actor),
    },
    { key: 'action', title: t('mgr.audit.action'), width: 200, render: (_, e) => actionLabel(e.action) },
    {
      key: 'target',
      title: t('mgr.audit.target'),
      ellipsis: true,
      render: (_, e) => {
        const changes = changesOf(e);
        if (!changes.length) return e.target ?? '';
        return (
          <span data-testid="audit-changes">
            {changes.map(([name, c]) => `${name}: ${shown(c.from)} → ${shown(c.to)}`).join('; ')}
          </span>
        );
      },
    },
    {
      key: 'outcome',
      title: t('mgr.audit.outcome'),
      width: 220,
      render: (_, e) =>
        e.outcome === 'ok' ? (
          <span>
            <Tag color="green">{t('mgr.audit.ok')}</Tag>
            {/* The server's own stops and closes say why ("running limit 300 s", "idle 1800 s"). */}
            {typeof e.details?.reason === 'string' && <span className="fp-audit-reason">{e.details.reason}</span>}
          </span>
        ) : (
          // Why the server refused (details.reason), on hover.
          <Tooltip title={typeof e.details?.reason === 'string' ? e.details.reason : undefined}>
            <Tag color="red">{t('mgr.audit.error', { code: String(e.details?.error ?? 'error') })}</Tag>
          </Tooltip>
        ),
    },
  ];

  return (
    <Collapse
      size="small"
      activeKey={open ? ['audit'] : []}
      onChange={(keys) => setOpen((Array.isArray(keys) ? keys : [keys]).includes('audit'))}
      items={[
        {
          key: 'audit',
          label: (
            <span>
              <AuditOutlined aria-hidden /> {t('mgr.audit.title')} ({audit.entries.length})
            </span>
          ),
          children: (
            <>
              {audit.error && (
                <Alert type="error" showIcon role="alert" title={t('mgr.audit.loadFailed')} description={audit.error} />
              )}
              <Table<AuditEntry>
                aria-label={t('mgr.audit.table')}
                size="small"
                rowKey="id"
                columns={columns}
                dataSource={audit.entries}
                pagination={false}
                scroll={{ y: 220 }}
                locale={{ emptyText: t('mgr.audit.empty') }}
              />
            </>
          ),
        },
      ]}
    />
  );
}

/** A parameter change's old → new values (details.changes), in the order sent. */
function changesOf(e: AuditEntry): [string, { from: unknown; to: unknown }][] {
  const changes = e.details?.changes;
  if (!changes || typeof changes !== 'object') return [];
  return Object.entries(changes as Record<string, { from: unknown; to: unknown }>);
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
