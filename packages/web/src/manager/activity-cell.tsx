// The Activity column: last activity time, green while running, a package's progress (n/m nodes) or a moving bar.
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
  const nodes =
    progress && progress.nodesTotal > 0
      ? t('mgr.activity.nodes', { done: progress.nodesDone, total: progress.nodesTotal })
      : '';
  // Without a figure (starting, or a statement DuckDB gives none for) the bar moves instead of showing a number.
  const indeterminate = !progress || progress.indeterminate === true;
  const tip = progress ? (
    <div data-testid="progress-tooltip">
      <div>{t('mgr.activity.node', { node: progress.node })}</div>
      <div>{t('mgr.activity.started', { time: format.dateTime(progress.nodeStartedAt) })}</div>
      {nodes && <div>{nodes}</div>}
      {progress.indeterminate && <div>{t('mgr.activity.noFigure')}</div>}
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
        {indeterminate ? (
          <span
            className="fp-progress-indeterminate"
            role="progressbar"
            aria-label={t('mgr.activity.progress', { name: pkg.name })}
            aria-valuetext={nodes || t('mgr.activity.starting')}
            data-indeterminate="true"
          >
            <span className="fp-progress-track">
              <span className="fp-progress-runner" />
            </span>
            {nodes && <span className="fp-progress-nodes">{nodes}</span>}
          </span>
        ) : (
          <Progress
            percent={percent}
            size="small"
            status="active"
            strokeColor={RUNNING_COLOR}
            format={() => (nodes ? `${percent}% · ${nodes}` : `${percent}%`)}
            aria-label={t('mgr.activity.progress', { name: pkg.name })}
            aria-valuetext={nodes ? `${percent}% · ${nodes}` : `${percent}%`}
            style={{ margin: 0, width: '100%' }}
          />
        )}
      </span>
    </Tooltip>
  );
}

export const PROGRESS_CSS = `
.fp-manager .fp-progress-indeterminate { display: inline-flex; align-items: center; gap: 6px; width: 100%; }
.fp-manager .fp-progress-track { position: relative; flex: 1; height: 6px; border-radius: 3px; background: rgba(0,0,0,0.06); overflow: hidden; }
.fp-manager .fp-progress-runner { position: absolute; top: 0; bottom: 0; width: 35%; border-radius: 3px; background: ${RUNNING_COLOR}; animation: fp-progress-run 1.4s ease-in-out infinite; }
.fp-manager .fp-progress-nodes { font-size: 12px; white-space: nowrap; }
@keyframes fp-progress-run { 0% { left: -35%; } 100% { left: 100%; } }
@media (prefers-reduced-motion: reduce) { .fp-manager .fp-progress-runner { animation-duration: 4s; } }
`;
