// Above the table: links to each group's row (reachable with thousands of sessions) and Expand all / Collapse all.
import { Button, Space, Typography } from 'antd';
import { ColumnHeightOutlined, VerticalAlignMiddleOutlined } from '@ant-design/icons';
import { useT } from '../components/i18n';
import type { GroupRow } from './manager-rows';

export interface GroupJumpProps {
  groups: GroupRow[];
  onJump: (key: string) => void;
  onExpandAll: () => void;
  onCollapseAll: () => void;
}

export function GroupJump({ groups, onJump, onExpandAll, onCollapseAll }: GroupJumpProps) {
  const t = useT();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
      <nav aria-label={t('mgr.jump.label')} data-testid="group-jump">
        <Space size={4} wrap>
          <Typography.Text type="secondary">{t('mgr.jump.label')}:</Typography.Text>
          {groups.map((g) => (
            <Button key={g.key} size="small" type="link" data-group={g.group} onClick={() => onJump(g.key)}>
              {t('mgr.group.count', { name: t(`mgr.group.${g.group}`), count: g.total })}
            </Button>
          ))}
        </Space>
      </nav>
      <span style={{ flex: 1 }} />
      <Button size="small" icon={<ColumnHeightOutlined aria-hidden />} onClick={onExpandAll}>
        {t('mgr.action.expandAll')}
      </Button>
      <Button size="small" icon={<VerticalAlignMiddleOutlined aria-hidden />} onClick={onCollapseAll}>
        {t('mgr.action.collapseAll')}
      </Button>
    </div>
  );
}
