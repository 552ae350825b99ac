// The state of the live connection (live, connecting, polling every 5 s), the time of the last contact, out of date.
import { Badge, Tag, Typography } from 'antd';
import { useT } from '../components/i18n';
import type { ConnectionState } from './live-connection';
import type { ManagerFormat } from './manager-format';

const BADGES = { live: 'success', connecting: 'processing', offline: 'warning' } as const;

export function ConnectionStatus({
  state,
  updatedAt,
  format,
  stale = false,
}: {
  state: ConnectionState;
  updatedAt: number;
  /** The server does not answer: what is shown may be out of date. */
  stale?: boolean;
  format: ManagerFormat;
}) {
  const t = useT();
  return (
    <span
      role="status"
      aria-label={t('mgr.conn.label')}
      data-state={state}
      data-testid="connection-status"
      style={{ display: 'inline-flex', alignItems: 'center', gap: 8, whiteSpace: 'nowrap' }}
    >
      <Badge status={BADGES[state]} text={t(`mgr.conn.${state}`)} />
      {updatedAt > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('mgr.conn.updated', { time: format.time(new Date(updatedAt).toISOString()) })}
        </Typography.Text>
      )}
      {stale && (
        <Tag color="default" data-testid="stale-tag">
          {t('mgr.staleTag')}
        </Tag>
      )}
    </span>
  );
}
