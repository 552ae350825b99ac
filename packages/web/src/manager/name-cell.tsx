// The first column: group titles with counts, session names with their kind, package names with draft,
// reference-count and pool details.
import { Tag, Tooltip, Typography } from 'antd';
import { DashboardOutlined } from '@ant-design/icons';
import type { SessionKind } from '@flowport/protocol';
import { useT } from '../components/i18n';
import type { ManagerFormat } from './manager-format';
import type { GroupRow, ManagerRow, PackageRow, PoolRow, SessionRow, SharedRow } from './manager-rows';
import { WatchMarker } from './watch-marker';

const KIND_COLORS: Record<SessionKind, string> = {
  studio: 'geekblue',
  integrator: 'purple',
  batch: 'orange',
  manager: 'gold',
};

function GroupTitle({ row }: { row: GroupRow }) {
  const t = useT();
  const name = t(`mgr.group.${row.group}`);
  let text: string;
  if (row.node && row.pool) {
    text = t('mgr.group.poolNode', { node: row.node, count: row.total, max: row.pool.max });
  } else if (row.group === 'pool' && row.pool) {
    text = t('mgr.group.poolCount', { name, count: row.total, max: row.pool.max });
  } else if (row.shown !== row.total) {
    text = t('mgr.group.countFiltered', { name, shown: row.shown, count: row.total });
  } else {
    text = t('mgr.group.count', { name, count: row.total });
  }
  return (
    <span className="fp-group-title" data-testid={row.node ? `pool-node-${row.node}` : undefined}>
      <strong>{text}</strong>
      {row.group === 'pool' && row.pool && (
        <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
          {t('mgr.group.poolStats', { hits: row.pool.hits, misses: row.pool.misses })}
        </Typography.Text>
      )}
    </span>
  );
}

function PackageName({ row }: { row: PackageRow }) {
  const t = useT();
  return (
    <span>
      <span className="fp-name">{row.pkg.name}</span>
      <WatchMarker since={row.pkg.runningSince} />
      {row.pkg.dirty && (
        <span title={t('mgr.pkg.dirty')} aria-label={t('mgr.pkg.dirty')} style={{ marginInlineStart: 4 }}>
          *
        </span>
      )}
      {!row.pkg.path && (
        <Tag bordered={false} style={{ marginInlineStart: 8 }}>
          {t('mgr.pkg.draft')}
        </Tag>
      )}
    </span>
  );
}

function SharedName({ row }: { row: SharedRow }) {
  const t = useT();
  const holders = row.pkg.referencedBy ?? [];
  const tip = (
    <div data-testid="holders-tooltip">
      <div>{t('mgr.shared.refsTitle', { count: row.pkg.refCount })}</div>
      <ul style={{ margin: 0, paddingInlineStart: 18 }}>
        {holders.map((h, i) => (
          <li key={`${h.name}-${i}`}>{h.name}</li>
        ))}
      </ul>
    </div>
  );
  return (
    <span>
      <span className="fp-name">{row.pkg.name}</span>
      <WatchMarker since={row.pkg.runningSince} />
      <Tooltip title={tip} mouseEnterDelay={0.05}>
        <Tag
          color="blue"
          className="fp-ref-count"
          tabIndex={0}
          aria-label={t('mgr.shared.refs', { count: row.pkg.refCount })}
          style={{ marginInlineStart: 8, cursor: 'help' }}
        >
          {row.pkg.refCount}
        </Tag>
      </Tooltip>
      {row.pkg.stale && (
        <Tooltip title={t('mgr.pkg.staleHelp')}>
          <Tag color="gold">{t('mgr.pkg.stale')}</Tag>
        </Tooltip>
      )}
    </span>
  );
}

function PoolName({ row, format }: { row: PoolRow; format: ManagerFormat }) {
  const t = useT();
  return (
    <span>
      <span className="fp-name">{row.pkg.name}</span>
      <WatchMarker since={row.pkg.runningSince} />
      {row.pkg.instanceId && (
        <Tooltip title={t('mgr.pool.instanceHelp')}>
          <Tag className="fp-pool-instance" style={{ marginInlineStart: 8, fontFamily: 'monospace' }}>
            #{row.pkg.instanceId}
          </Tag>
        </Tooltip>
      )}
      <Tag bordered={false} color="cyan" className="fp-pool-hits" style={{ marginInlineStart: 8 }}>
        {t('mgr.pool.hits', { hits: row.pkg.hits })}
      </Tag>
      {row.pkg.checkedOut && <Tag color="green">{t('mgr.pool.inUse')}</Tag>}
      <Typography.Text type="secondary" className="fp-pool-last-used" style={{ fontSize: 12 }}>
        {t('mgr.pool.lastUsed', { time: format.time(row.pkg.lastUsedAt) })}
      </Typography.Text>
    </span>
  );
}

function SessionName({ row }: { row: SessionRow }) {
  const t = useT();
  const { session } = row;
  // An administrator's own Session Manager connection has its own icon (Megaladata lists it too).
  const manager = session.kind === 'manager';
  return (
    <span>
      {manager && (
        <DashboardOutlined className="fp-manager-icon" aria-hidden style={{ color: '#d48806', marginInlineEnd: 6 }} />
      )}
      <span className="fp-name">{session.name}</span>
      <Tag color={KIND_COLORS[session.kind]} className="fp-kind" style={{ marginInlineStart: 8 }}>
        {t(`mgr.kind.${session.kind}`)}
      </Tag>
      <WatchMarker since={session.runningSince} />
    </span>
  );
}

export function NameCell({ row, format }: { row: ManagerRow; format: ManagerFormat }) {
  switch (row.kind) {
    case 'group':
      return <GroupTitle row={row} />;
    case 'session':
      return <SessionName row={row} />;
    case 'package':
      return <PackageName row={row} />;
    case 'shared':
      return <SharedName row={row} />;
    case 'pool':
      return <PoolName row={row} format={format} />;
  }
}
