// The blocking message when the session ends under the user (an administrator, the server, a lost
// connection) or an administrator stops its execution, with a way to start a new session.
import { Button, Modal, Typography } from 'antd';
import { useT } from '../components/i18n';
import type { SessionEndReason } from './session-connection';

export type InterruptionReason = SessionEndReason | 'stopped';

/** An administrator's stop as the tab tells it: who, what was stopped, and what of the tab still runs. */
export interface AdministratorStop {
  by: string;
  stopped: { packageId: string; name: string; node: string | null }[];
  /** Names of the tab's other packages still executing. */
  stillRunning: string[];
}

interface SessionEndedDialogProps {
  reason: InterruptionReason;
  /** Who did it (an administrator's name), when known. */
  by?: string;
  /** File names of the backups of the session's unsaved work. */
  backups?: string[];
  /** For a stop: what was stopped. */
  stop?: AdministratorStop;
  onRestart: () => void;
  /** For a stop the session lives on: the user may go on working in it. */
  onContinue?: () => void;
}

/** The user of a session name `<user>:<id>` (the administrator's session that did it). */
function userOf(sessionName: string): string {
  const colon = sessionName.lastIndexOf(':');
  return colon > 0 ? sessionName.slice(0, colon) : sessionName;
}

export function SessionEndedDialog({ reason, by, backups, stop, onRestart, onContinue }: SessionEndedDialogProps) {
  const t = useT();
  const key = reason === 'client' ? 'lost' : reason;
  // After a stop the session lives on (and may still run other packages): going on in it comes first.
  const footer = [
    onContinue && (
      <Button key="continue" type="primary" onClick={onContinue} autoFocus>
        {t('studio.ended.continue')}
      </Button>
    ),
    <Button key="restart" type={onContinue ? 'default' : 'primary'} onClick={onRestart} autoFocus={!onContinue}>
      {t('studio.ended.restart')}
    </Button>,
  ];
  return (
    <Modal
      open
      title={t(`studio.ended.${key}.title`)}
      closable={false}
      keyboard={false}
      mask={{ closable: false }}
      footer={footer}
      data-testid="session-ended"
    >
      {stop && stop.stopped.length > 0 && (
        <ul data-testid="stopped-list">
          {stop.stopped.map((x) => (
            <li key={x.packageId}>
              {x.node
                ? t('studio.ended.stoppedAt', { name: x.name, node: x.node })
                : t('studio.ended.stoppedPackage', { name: x.name })}
            </li>
          ))}
        </ul>
      )}
      <Typography.Paragraph>
        {t(backups?.length ? 'studio.ended.closed.text' : `studio.ended.${key}.text`)}
      </Typography.Paragraph>
      {backups && backups.length > 0 && (
        <>
          <ul data-testid="backup-files">
            {backups.map((f) => (
              <li key={f}>
                <Typography.Text code>{f}</Typography.Text>
              </li>
            ))}
          </ul>
          <Typography.Paragraph>{t('studio.ended.backupsHint')}</Typography.Paragraph>
        </>
      )}
      {stop && stop.stillRunning.length > 0 && (
        <Typography.Paragraph data-testid="still-running">
          {t('studio.ended.stillRunning', {
            names: stop.stillRunning.map((name) => t('studio.ended.stoppedPackage', { name })).join(', '),
          })}
        </Typography.Paragraph>
      )}
      {by && <Typography.Paragraph type="secondary">{t('studio.ended.by', { name: userOf(by) })}</Typography.Paragraph>}
    </Modal>
  );
}
