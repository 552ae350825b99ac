// The collapsible server panel: sparklines of the last 15 minutes per node (CPU, memory, loop delay, executions, Integrator).
import type { ReactNode } from 'react';
import { Alert, Collapse, Space, Typography } from 'antd';
import { DashboardOutlined } from '@ant-design/icons';
import type { ServerStatsSample } from '@flowport/protocol';
import { useT } from '../components/i18n';
import type { ManagerFormat } from './manager-format';
import { Sparkline } from './sparkline';
import type { StatsByNode } from './use-server-stats';
import { isBoolean, STORAGE_KEYS, useStoredState } from './use-stored-state';

interface Metric {
  key: string;
  color: string;
  value: (s: ServerStatsSample) => number;
  limit?: (s: ServerStatsSample) => number;
  text: (s: ServerStatsSample, format: ManagerFormat) => string;
}

const METRICS: Metric[] = [
  { key: 'cpu', color: '#1677ff', value: (s) => s.cpuPercent, text: (s) => `${s.cpuPercent.toFixed(0)} %` },
  { key: 'rss', color: '#722ed1', value: (s) => s.rssBytes, text: (s, f) => f.bytes(s.rssBytes) },
  { key: 'heap', color: '#13c2c2', value: (s) => s.heapBytes, text: (s, f) => f.bytes(s.heapBytes) },
  {
    key: 'duckdb',
    color: '#fa8c16',
    value: (s) => s.duckdbBytes,
    limit: (s) => s.budgetBytes,
    text: (s, f) => `${f.bytes(s.duckdbBytes)} / ${f.bytes(s.budgetBytes)}`,
  },
  { key: 'loop', color: '#eb2f96', value: (s) => s.loopDelayMs, text: (s) => `${s.loopDelayMs.toFixed(1)} ms` },
  { key: 'running', color: '#389e0d', value: (s) => s.running, text: (s) => String(s.running) },
  {
    key: 'integrator',
    color: '#2f54eb',
    value: (s) => s.integratorPerSecond,
    text: (s) => s.integratorPerSecond.toFixed(1),
  },
  {
    key: 'p95',
    color: '#a0d911',
    value: (s) => s.integratorP95Ms,
    text: (s) => `${s.integratorP95Ms.toFixed(0)} ms`,
  },
];

function NodeRow({
  node,
  samples,
  format,
}: {
  node: string;
  samples: readonly ServerStatsSample[];
  format: ManagerFormat;
}) {
  const t = useT();
  const times = samples.map((s) => s.t);
  const last = samples[samples.length - 1];
  return (
    <div className="fp-server-node" data-node={node} style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
      {node && (
        <Typography.Text strong style={{ width: '100%' }}>
          {t('mgr.server.node', { node })}
        </Typography.Text>
      )}
      {METRICS.map((m) => {
        const title = t(`mgr.server.${m.key}`);
        return (
          <figure key={m.key} className="fp-server-metric" data-metric={m.key} style={{ margin: 0 }}>
            <figcaption style={{ fontSize: 12, display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <span>{title}</span>
              <strong className="fp-server-value">{last ? m.text(last, format) : '—'}</strong>
            </figcaption>
            <Sparkline
              times={times}
              values={samples.map(m.value)}
              limit={m.limit ? samples.map(m.limit) : undefined}
              color={m.color}
              label={t('mgr.server.chart', { metric: title })}
            />
          </figure>
        );
      })}
    </div>
  );
}

export function ServerPanel({
  byNode,
  liveNodes,
  error,
  format,
  open,
  onOpen,
}: {
  byNode: StatsByNode;
  /** In a cluster, the nodes shown live: a lost node's row leaves the panel as its rows leave the table. */
  liveNodes?: ReadonlySet<string>;
  error: string | null;
  format: ManagerFormat;
  open: boolean;
  onOpen: (open: boolean) => void;
}) {
  const t = useT();
  const nodes = [...byNode.entries()]
    .filter(([node]) => !liveNodes || liveNodes.has(node))
    .sort(([a], [b]) => a.localeCompare(b));
  let body: ReactNode;
  if (error)
    body = <Alert type="warning" showIcon role="alert" title={t('mgr.server.loadFailed')} description={error} />;
  else if (nodes.every(([, s]) => s.length === 0))
    body = <Typography.Text type="secondary">{t('mgr.server.empty')}</Typography.Text>;
  else
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        {nodes.map(([node, samples]) => (
          <NodeRow key={node} node={node} samples={samples} format={format} />
        ))}
      </Space>
    );
  return (
    <Collapse
      size="small"
      data-testid="server-panel"
      activeKey={open ? ['server'] : []}
      onChange={(keys) => onOpen((Array.isArray(keys) ? keys : [keys]).includes('server'))}
      items={[
        {
          key: 'server',
          label: (
            <span>
              <DashboardOutlined aria-hidden /> {t('mgr.server.title')}
            </span>
          ),
          children: body,
        },
      ]}
    />
  );
}

/** The panel's open state, remembered. */
export const useServerPanelOpen = () => useStoredState(STORAGE_KEYS.serverPanelOpen, false, isBoolean);
