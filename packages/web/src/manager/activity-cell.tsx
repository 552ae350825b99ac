// The Activity column: last activity time, green while running, and a package's progress bar with node and start time.
import { Progress, Tooltip } from 'antd';
import type { ManagerPackage, ManagerSession } from '@flowport/protocol';
import { useT } from '../components/i18n';
import type { ManagerFormat } from './manager-format';

export const RUNNING_COLOR = '#389e0d';

export function SessionActivity({ session, format }: { session: ManagerSession; format: ManagerFormat }) {
  const t = useT();
  const running = session.running || session.packages.some((p) => p.running);
  return (
    <span
      className={running ? 'fp-activity fp-activity-running' : 'fp-activity'}
      data-running={running ? 'true' : undefined}
      title={running ? t('mgr.activity.running') : undefined}
      style={running ? { color: RUNNING_COLOR, fontWeight: 600 } : undefined}
    >
      {format.time(session.lastActivityAt)}
    </span>
  );
}

export function PackageActivity({ pkg, format }: { pkg: ManagerPackage; format: ManagerFormat }) {
  const t = useT();
  if (!pkg.running) return <span className="fp-activity">{format.time(pkg.lastActivityAt)}</span>;
  const progress = pkg.progress;
  const percent = Math.max(0, Math.min(100, Math.round(progress?.percent ?? 0)));
  const tip = progress ? (
    <div data-testid="progress-tooltip">
      <div>{t('mgr.activity.node', { node: progress.node })}</div>
      <div>{t('mgr.activity.started', { time: format.dateTime(progress.nodeStartedAt) })}</div>
    </div>
  ) : (
    t('mgr.activity.starting')
  );
  return (
    <Tooltip title={tip} mouseEnterDelay={0.05}>
      <span
        className="fp-activity fp-activity-running"
        data-running="true"
        tabIndex={0}
        style={{ display: 'inline-flex', alignItems: 'center', width: '100%', color: RUNNING_COLOR }}
      >
        <Progress
          percent={percent}
          size="small"
          status="active"
          strokeColor={RUNNING_COLOR}
          aria-label={t('mgr.activity.progress', { name: pkg.name })}
          style={{ margin: 0, width: '100%' }}
        />
      </span>
    </Tooltip>
  );
}
