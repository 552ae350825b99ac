// The bar above an open package: what it is (path or draft, saved time, unsaved mark, running progress)
// and its commands: Run all, Stop, Save, Save as, Close.
import { Button, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import {
  CaretRightOutlined,
  CloseOutlined,
  EyeOutlined,
  SaveOutlined,
  StopOutlined,
  CopyOutlined,
} from '@ant-design/icons';
import type { PackageDto } from '@flowport/protocol';
import { useFormatTime, useT } from '../components/i18n';

interface PackageToolbarProps {
  dto: PackageDto;
  unsaved: boolean;
  runBlockedBy: string | null;
  saving: boolean;
  stopping: boolean;
  onRunAll: () => void;
  onStop: () => void;
  onSave: () => void;
  onSaveAs: () => void;
  onClose: () => void;
}

export function PackageToolbar(props: PackageToolbarProps) {
  const { dto, unsaved, runBlockedBy, saving, stopping } = props;
  const t = useT();
  const formatTime = useFormatTime();
  const readOnlyHint = dto.readOnly ? t('studio.readOnly.hint') : undefined;

  return (
    <div
      role="toolbar"
      aria-label={t('studio.toolbar', { name: dto.name })}
      style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, marginBottom: 12 }}
    >
      <Space size={4} wrap style={{ flex: 1, minWidth: 280 }}>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 18 }}>
          {dto.name}
        </Typography.Title>
        <Tag>{dto.version}</Tag>
        {dto.path ? (
          <Typography.Text code>{dto.path}</Typography.Text>
        ) : (
          <Tag color="gold">{t('studio.package.draft')}</Tag>
        )}
        {dto.readOnly && (
          <Tag icon={<EyeOutlined />} color="default">
            {t('studio.readOnly.tag')}
          </Tag>
        )}
        {unsaved && !dto.readOnly && <Tag color="orange">{t('studio.package.unsaved')}</Tag>}
        {dto.createdAt && (
          <Typography.Text
            type="secondary"
            style={{ fontSize: 12 }}
            title={dto.createdAt}
            data-testid="package-created"
          >
            {t('studio.package.createdAt', { time: formatTime(dto.createdAt) })}
          </Typography.Text>
        )}
        {dto.savedAt && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} title={dto.savedAt} data-testid="package-saved">
            {t('studio.package.savedAt', { time: formatTime(dto.savedAt) })}
          </Typography.Text>
        )}
      </Space>
      {dto.running && (
        <Space size={8} role="status" aria-label={t('studio.package.runningStatus')}>
          <Typography.Text>
            {dto.progress ? t('studio.package.runningNode', { node: dto.progress.node }) : t('studio.package.running')}
          </Typography.Text>
          <Progress
            percent={Math.round(dto.progress?.percent ?? 0)}
            size="small"
            status="active"
            style={{ width: 140, margin: 0 }}
            aria-label={t('studio.package.progress')}
          />
        </Space>
      )}
      <Space size={8} wrap>
        <Tooltip title={runBlockedBy ?? undefined}>
          <Button
            type="primary"
            icon={<CaretRightOutlined />}
            aria-label={t('studio.run.all')}
            disabled={dto.running || runBlockedBy !== null}
            onClick={props.onRunAll}
          >
            {t('studio.run.all')}
          </Button>
        </Tooltip>
        <Button
          danger
          icon={<StopOutlined />}
          aria-label={t('studio.run.stop')}
          disabled={!dto.running}
          loading={stopping}
          onClick={props.onStop}
        >
          {t('studio.run.stop')}
        </Button>
        <Tooltip title={readOnlyHint}>
          <Button
            icon={<SaveOutlined />}
            aria-label={t('studio.save')}
            disabled={dto.readOnly}
            loading={saving}
            onClick={props.onSave}
          >
            {t('studio.save')}
          </Button>
        </Tooltip>
        <Tooltip title={readOnlyHint}>
          <Button
            icon={<CopyOutlined />}
            aria-label={t('studio.saveAs')}
            disabled={dto.readOnly || saving}
            onClick={props.onSaveAs}
          >
            {t('studio.saveAs')}
          </Button>
        </Tooltip>
        <Button icon={<CloseOutlined />} aria-label={t('studio.closePackage')} onClick={props.onClose}>
          {t('studio.close')}
        </Button>
      </Space>
    </div>
  );
}
