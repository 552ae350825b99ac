// The confirmation of Stop, Close and Clear package pool, listing every session and package it affects.
import { Modal, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { useT, type Translate } from '../components/i18n';
import type { ActionTarget, PendingAction } from './manager-actions';

const LISTED = 50;

function kindLabel(t: Translate, target: ActionTarget): string {
  switch (target.rowKind) {
    case 'session':
      return t('mgr.confirm.session');
    case 'shared':
      return t('mgr.confirm.shared');
    case 'pool':
      return t('mgr.confirm.pooled');
    default:
      return t('mgr.confirm.package');
  }
}

function TargetItem({ target, type }: { target: ActionTarget; type: PendingAction['type'] }) {
  const t = useT();
  return (
    <li>
      <Typography.Text type="secondary">{kindLabel(t, target)}: </Typography.Text>
      <Typography.Text strong>{target.name}</Typography.Text>
      {target.packages && (
        <div style={{ fontSize: 12 }}>
          {target.packages.length > 0
            ? t('mgr.confirm.withPackages', { names: target.packages.join(', ') })
            : type === 'close'
              ? t('mgr.confirm.noPackages')
              : null}
        </div>
      )}
      {type === 'close' && target.holders && target.holders.length > 0 && (
        <div style={{ fontSize: 12 }}>
          <Typography.Text type="warning">
            <WarningOutlined aria-hidden /> {t('mgr.confirm.referenced', { holders: target.holders.join(', ') })}
          </Typography.Text>
        </div>
      )}
    </li>
  );
}

export interface ConfirmDialogProps {
  pending: PendingAction | null;
  busy: boolean;
  onOk: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ pending, busy, onOk, onCancel }: ConfirmDialogProps) {
  const t = useT();
  const type = pending?.type ?? 'close';
  const title = t(
    type === 'stop' ? 'mgr.confirm.stopTitle' : type === 'close' ? 'mgr.confirm.closeTitle' : 'mgr.confirm.clearTitle',
  );
  const okText = t(
    type === 'stop' ? 'mgr.action.stop' : type === 'close' ? 'mgr.action.close' : 'mgr.action.clearPool',
  );
  const targets = pending?.targets ?? [];
  const pool = pending?.pool ?? [];

  return (
    <Modal
      open={!!pending}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, autoFocus: true }}
      closable={{ 'aria-label': t('mgr.confirm.dismiss') }}
      confirmLoading={busy}
      onOk={onOk}
      onCancel={onCancel}
      destroyOnHidden
      width={560}
    >
      {type === 'clear' ? (
        <>
          <p>{pool.length > 0 ? t('mgr.confirm.clearText') : t('mgr.confirm.clearEmpty')}</p>
          <ul data-testid="confirm-list" style={{ maxHeight: 320, overflow: 'auto', paddingInlineStart: 20 }}>
            {pool.slice(0, LISTED).map((row) => (
              <li key={row.key}>
                <Typography.Text strong>{row.pkg.name}</Typography.Text>
                {row.pkg.path && <Typography.Text type="secondary"> — {row.pkg.path}</Typography.Text>}
                <Typography.Text type="secondary"> ({t('mgr.pool.hits', { hits: row.pkg.hits })})</Typography.Text>
              </li>
            ))}
          </ul>
          {pool.length > LISTED && <p>{t('mgr.confirm.more', { count: pool.length - LISTED })}</p>}
        </>
      ) : (
        <>
          <p>{t(type === 'stop' ? 'mgr.confirm.stopText' : 'mgr.confirm.closeText')}</p>
          <ul data-testid="confirm-list" style={{ maxHeight: 320, overflow: 'auto', paddingInlineStart: 20 }}>
            {targets.slice(0, LISTED).map((target) => (
              <TargetItem key={`${target.kind}:${target.id}`} target={target} type={type} />
            ))}
          </ul>
          {targets.length > LISTED && <p>{t('mgr.confirm.more', { count: targets.length - LISTED })}</p>}
        </>
      )}
    </Modal>
  );
}
