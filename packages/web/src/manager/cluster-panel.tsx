// In a cluster: each node with its state and pool, a filter by node, and the notice that the cluster view is degraded.
import type { ClusterNode } from '@flowport/protocol';
import { Alert, Select, Space, Tag, Typography } from 'antd';
import { useI18n } from '../components/i18n';

export interface ClusterState {
  node: string | null;
  nodes: ClusterNode[];
  degraded: boolean;
}

export function ClusterPanel({
  cluster,
  filter,
  onFilter,
}: {
  cluster: ClusterState;
  /** The node the table is filtered by ('' for all). */
  filter: string;
  onFilter: (node: string) => void;
}) {
  const { t } = useI18n();
  if (!cluster.node) return null;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }} data-testid="cluster-panel">
      {cluster.degraded && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="cluster-degraded"
          title={t('mgr.cluster.degraded', { node: cluster.node })}
        />
      )}
      <Space wrap aria-label={t('mgr.cluster.nodes')}>
        <Typography.Text strong>{t('mgr.cluster.nodes')}:</Typography.Text>
        {cluster.nodes.map((n) => (
          <Tag
            key={n.name}
            color={n.state === 'live' ? (n.self ? 'blue' : 'green') : 'red'}
            data-testid={`cluster-node-${n.name}`}
            data-state={n.state}
          >
            {t('mgr.cluster.node', {
              name: n.name,
              state: t(`mgr.cluster.${n.state}`),
              size: n.pool.size,
              max: n.pool.max,
              sessions: n.sessions,
            })}
          </Tag>
        ))}
        <Select
          aria-label={t('mgr.cluster.filter')}
          data-testid="node-filter"
          size="small"
          style={{ minWidth: 160 }}
          value={filter}
          onChange={onFilter}
          options={[
            { value: '', label: t('mgr.cluster.allNodes') },
            ...cluster.nodes.map((n) => ({ value: n.name, label: n.name })),
          ]}
        />
      </Space>
    </div>
  );
}
