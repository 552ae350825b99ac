// The watchdog's colours: a row running longer than the warning threshold turns amber, past the alert threshold red.
import { createContext, useContext } from 'react';
import { Tooltip } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import type { ManagerWatch } from '@flowport/protocol';
import { useT } from '../components/i18n';
import { timeMs } from './row-sort';
import { useNow } from './use-clock';

export type WatchLevel = 'warn' | 'alert';

export const DEFAULT_WATCH: ManagerWatch = { warnSeconds: 60, alertSeconds: 300, limitSeconds: 0, idleSeconds: 0 };

/** The thresholds of the server's watchdog (from the snapshot; the server's defaults before one came). */
export const WatchContext = createContext<ManagerWatch>(DEFAULT_WATCH);

export const WATCH_COLORS: Record<WatchLevel, { text: string; background: string }> = {
  warn: { text: '#d46b08', background: '#fff1b8' },
  alert: { text: '#cf1322', background: '#ffccc7' },
};

/** The level of an execution that started at `since` (epoch ms) seen at `now`; null below the warning. */
export function watchLevel(since: number | null, now: number, watch: ManagerWatch): WatchLevel | null {
  if (since === null) return null;
  const seconds = (now - since) / 1000;
  if (watch.alertSeconds > 0 && seconds >= watch.alertSeconds) return 'alert';
  if (watch.warnSeconds > 0 && seconds >= watch.warnSeconds) return 'warn';
  return null;
}

/** A clock icon in the name cell of a long-running row; the row takes its colour from it (see WATCH_CSS). */
export function WatchMarker({ since }: { since: string | number | null | undefined }) {
  const t = useT();
  const watch = useContext(WatchContext);
  const now = useNow();
  const level = watchLevel(timeMs(since), now, watch);
  if (!level) return null;
  const seconds = level === 'alert' ? watch.alertSeconds : watch.warnSeconds;
  const text = t(`mgr.watch.${level}`, { seconds });
  return (
    <Tooltip title={text}>
      <ClockCircleOutlined
        className={`fp-watch fp-watch-${level}`}
        data-watch={level}
        aria-label={text}
        role="img"
        style={{ color: WATCH_COLORS[level].text, marginInlineStart: 8 }}
      />
    </Tooltip>
  );
}

/** The legend beside the table: what amber and red mean, and the server's limit and idle timeout. */
export function WatchLegend() {
  const t = useT();
  const watch = useContext(WatchContext);
  const swatch = (level: WatchLevel) => (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        width: 12,
        height: 12,
        borderRadius: 2,
        background: WATCH_COLORS[level].background,
        border: `1px solid ${WATCH_COLORS[level].text}`,
        marginInlineEnd: 4,
        verticalAlign: -1,
      }}
    />
  );
  return (
    <span className="fp-watch-legend" data-testid="watch-legend" style={{ fontSize: 12, color: '#595959' }}>
      <span style={{ marginInlineEnd: 12 }}>
        {swatch('warn')}
        {t('mgr.watch.legendWarn', { seconds: watch.warnSeconds })}
      </span>
      <span style={{ marginInlineEnd: 12 }}>
        {swatch('alert')}
        {t('mgr.watch.legendAlert', { seconds: watch.alertSeconds })}
      </span>
      <span style={{ marginInlineEnd: 12 }}>
        {watch.limitSeconds > 0
          ? t('mgr.watch.legendLimit', { seconds: watch.limitSeconds })
          : t('mgr.watch.legendLimitOff')}
      </span>
      <span>
        {watch.idleSeconds > 0
          ? t('mgr.watch.legendIdle', { seconds: watch.idleSeconds })
          : t('mgr.watch.legendIdleOff')}
      </span>
    </span>
  );
}

export const WATCH_CSS = `
.fp-manager .ant-table-row:has(.fp-watch-warn) > .ant-table-cell { background: ${WATCH_COLORS.warn.background}; }
.fp-manager .ant-table-row:has(.fp-watch-alert) > .ant-table-cell { background: ${WATCH_COLORS.alert.background}; }
`;
