// The blocking message when the session ends under the user (an administrator, the server, a lost
// connection) or an administrator stops its execution, with a way to start a new session.
import { Button, Modal, Typography } from 'antd';
import { useT } from '../components/i18n';
import type { SessionEndReason } from './session-connection';

export type InterruptionReason = SessionEndReason | 'stopped';

interface SessionEndedDialogProps {
  reason: InterruptionReason;
  /** Who did it (an administrator's name), when known. */
  by?: string;
  onRestart: () => void;
  /** For a stop the session lives on: the user may go on working in it. */
  onContinue?: () => void;
}

/** The user of a session name `<user>:<id>` (the administrator's session that did it). */
function userOf(sessionName: string): string {
  const colon = sessionName.lastIndexOf(':');
  return colon > 0 ? sessionName.slice(0, colon) : sessionName;
}

export function SessionEndedDialog({ reason, by, onRestart, onContinue }: SessionEndedDialogProps) {
  const t = useT();
  const key = reason === 'client' ? 'lost' : reason;
  const footer = [
    onContinue && (
      <Button key="continue" onClick={onContinue}>
        {t('studio.ended.continue')}
      </Button>
    ),
    <Button key="restart" type="primary" onClick={onRestart} autoFocus>
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
      <Typography.Paragraph>{t(`studio.ended.${key}.text`)}</Typography.Paragraph>
      {by && <Typography.Paragraph type="secondary">{t('studio.ended.by', { name: userOf(by) })}</Typography.Paragraph>}
    </Modal>
  );
}
