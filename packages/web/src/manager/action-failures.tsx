// What went wrong with the last action, row by row (for example why a shared package cannot be closed).
import { Alert } from 'antd';
import { useT } from '../components/i18n';
import type { ActionFailure } from './manager-actions';

export function ActionFailures({ failures, onClose }: { failures: ActionFailure[]; onClose: () => void }) {
  const t = useT();
  if (failures.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      closable={{ 'aria-label': t('mgr.confirm.dismiss') }}
      role="alert"
      data-testid="action-failures"
      title={t('mgr.result.failedTitle')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {failures.map((f, i) => (
            <li key={i}>
              {!f.target || f.message.includes(f.target.name)
                ? f.message
                : t('mgr.result.failedOne', { target: f.target.name, message: f.message })}
            </li>
          ))}
        </ul>
      }
      onClose={onClose}
    />
  );
}
