// A package's nodes as a table: kind, access, state (with progress, rows, duration or the error) and actions.
import { Button, Progress, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { CaretRightOutlined, TableOutlined } from '@ant-design/icons';
import type { NodeDto, Progress as ProgressDto } from '@flowport/protocol';
import { useT } from '../components/i18n';
import { useStudioFormat } from './studio-format';

const STATE_COLORS: Record<NodeDto['state'], string> = {
  idle: 'default',
  running: 'processing',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
};

export function NodeStateCell({ node, progress }: { node: NodeDto; progress?: ProgressDto }) {
  const t = useT();
  const percent = node.state === 'running' && progress?.node === node.id ? Math.round(progress.percent) : null;
  return (
    <Space orientation="vertical" size={2} style={{ width: '100%' }}>
      <Tag color={STATE_COLORS[node.state]}>{t(`studio.state.${node.state}`)}</Tag>
      {percent !== null && (
        <Progress
          percent={percent}
          size="small"
          status="active"
          aria-label={t('studio.nodes.progressOf', { node: node.id })}
        />
      )}
      {node.state === 'failed' && node.error && (
        <Typography.Text type="danger" style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>
          {node.error}
        </Typography.Text>
      )}
    </Space>
  );
}

interface NodeListProps {
  nodes: readonly NodeDto[];
  progress?: ProgressDto;
  running: boolean;
  /** Why nodes cannot run now (the package has errors), or null. */
  runBlockedBy: string | null;
  selected: string | null;
  onRun: (node: string) => void;
  onShowResult: (node: string) => void;
}

export function NodeList({ nodes, progress, running, runBlockedBy, selected, onRun, onShowResult }: NodeListProps) {
  const t = useT();
  const format = useStudioFormat();

  const columns: ColumnsType<NodeDto> = [
    {
      key: 'id',
      title: t('studio.nodes.node'),
      render: (_, n) => (
        <Space size={4} wrap>
          <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
            {n.id}
          </Typography.Text>
          {n.access !== 'private' && (
            <Tag color={n.access === 'published' ? 'purple' : 'blue'}>{t(`studio.access.${n.access}`)}</Tag>
          )}
        </Space>
      ),
    },
    { key: 'kind', title: t('studio.nodes.kind'), width: 70, render: (_, n) => <Tag>{n.kind}</Tag> },
    {
      key: 'state',
      title: t('studio.nodes.state'),
      width: 150,
      render: (_, n) => <NodeStateCell node={n} progress={progress} />,
    },
    {
      key: 'rows',
      title: t('studio.nodes.rows'),
      width: 90,
      align: 'right',
      render: (_, n) => (n.state === 'done' && n.rows !== undefined ? format.count(n.rows) : '—'),
    },
    {
      key: 'duration',
      title: t('studio.nodes.duration'),
      width: 85,
      align: 'right',
      render: (_, n) => (n.durationMs !== undefined && n.state !== 'idle' ? format.duration(n.durationMs) : '—'),
    },
    {
      key: 'actions',
      title: t('studio.nodes.actions'),
      render: (_, n) => (
        <Space size={4}>
          <Tooltip title={runBlockedBy ?? t('studio.nodes.runNode', { node: n.id })}>
            <Button
              size="small"
              type="primary"
              ghost
              icon={<CaretRightOutlined />}
              aria-label={t('studio.nodes.runNode', { node: n.id })}
              disabled={running || runBlockedBy !== null}
              onClick={(e) => {
                e.stopPropagation();
                onRun(n.id);
              }}
            />
          </Tooltip>
          <Tooltip title={t('studio.nodes.showResult', { node: n.id })}>
            <Button
              size="small"
              icon={<TableOutlined />}
              aria-label={t('studio.nodes.showResult', { node: n.id })}
              aria-pressed={selected === n.id}
              disabled={n.state !== 'done'}
              onClick={(e) => {
                e.stopPropagation();
                onShowResult(n.id);
              }}
            />
          </Tooltip>
        </Space>
      ),
    },
  ];

  return (
    <section aria-label={t('studio.nodes.title')}>
      <Table<NodeDto>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={[...nodes]}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('studio.nodes.none') }}
        rowClassName={(n) => (n.id === selected ? 'ant-table-row-selected' : '')}
        onRow={(n) => ({
          onClick: () => {
            if (n.state === 'done') onShowResult(n.id);
          },
          style: { cursor: n.state === 'done' ? 'pointer' : undefined },
        })}
      />
    </section>
  );
}
