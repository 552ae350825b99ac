// A node's result as a paged table, one page fetched from the server at a time.
import { useEffect, useState } from 'react';
import { Alert, Empty, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { NodeDto, RowsPage } from '@flowport/protocol';
import { useT } from '../components/i18n';
import { studioApi } from './studio-api';
import { formatCell, useStudioFormat } from './studio-format';

const PAGE_SIZES = [10, 20, 50, 100];

interface NodeResultProps {
  sid: string;
  pid: string;
  node: NodeDto | null;
}

type Row = Record<string, unknown> & { __key: number };

export function NodeResult({ sid, pid, node }: NodeResultProps) {
  const t = useT();
  const format = useStudioFormat();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [data, setData] = useState<RowsPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const nodeId = node?.id ?? null;
  const ready = node?.state === 'done';
  // A new result of the same node (another run) has another duration or row count.
  const resultVersion = ready ? `${node.rows}:${node.durationMs}` : null;

  useEffect(() => setPage(1), [nodeId, resultVersion]);

  useEffect(() => {
    if (!nodeId || !ready) {
      setData(null);
      setError(null);
      return;
    }
    const abort = new AbortController();
    setLoading(true);
    setError(null);
    studioApi
      .rows(sid, pid, nodeId, (page - 1) * pageSize, pageSize, abort.signal)
      .then((answer) => setData(answer))
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError(e.message);
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [sid, pid, nodeId, ready, resultVersion, page, pageSize]);

  const label = nodeId ? t('studio.result.of', { node: nodeId }) : t('studio.result.title');
  if (!node) {
    return (
      <section aria-label={label}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('studio.result.pick')} />
      </section>
    );
  }
  if (!ready) {
    return (
      <section aria-label={label}>
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t(node.state === 'running' ? 'studio.result.running' : 'studio.result.notRun', {
            node: node.id,
          })}
        />
      </section>
    );
  }

  const columns: ColumnsType<Row> = (data?.columns ?? []).map((c) => ({
    key: c.name,
    dataIndex: c.name,
    title: (
      <span>
        {c.name}{' '}
        <Typography.Text type="secondary" style={{ fontSize: 11, fontWeight: 400 }}>
          {c.type}
        </Typography.Text>
      </span>
    ),
    ellipsis: true,
    render: (value: unknown) =>
      value === null || value === undefined ? (
        <Typography.Text type="secondary" italic>
          null
        </Typography.Text>
      ) : (
        formatCell(value)
      ),
  }));
  const rows: Row[] = (data?.rows ?? []).map((r, i) => ({ ...r, __key: (data?.offset ?? 0) + i }));

  return (
    <section aria-label={label}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 8 }} />}
      <Table<Row>
        size="small"
        rowKey="__key"
        loading={loading}
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('studio.result.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? node.rows ?? 0,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          showTotal: (total) => t('studio.result.total', { count: format.count(total) }),
          onChange: (p, size) => {
            if (size !== pageSize) {
              setPageSize(size);
              setPage(1);
            } else setPage(p);
          },
        }}
      />
    </section>
  );
}
