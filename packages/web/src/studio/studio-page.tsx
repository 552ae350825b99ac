// Studio: the workflow designer's page. This tab's session (its name and connection), the workspace, and
// the blocking messages when an administrator closes the session or stops its execution.
import { useCallback, useRef, useState } from 'react';
import { Button, Result, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import type { SessionCreated } from '@flowport/protocol';
import { hasAnyRole, useAuth } from '../components/auth';
import { useT } from '../components/i18n';
import { SessionEndedDialog, type AdministratorStop } from './session-ended-dialog';
import './studio-messages';
import { StudioWorkspace } from './studio-workspace';
import { useStudioSession } from './use-studio-session';

const EDIT_ROLES = ['admin', 'design'] as const;

export function StudioPage() {
  const t = useT();
  const { user } = useAuth();
  const { state, subscribe, restart } = useStudioSession();
  const [stoppedBy, setStoppedBy] = useState<AdministratorStop | null>(null);
  const lastSession = useRef<SessionCreated | null>(null);
  const canEdit = hasAnyRole(user, EDIT_ROLES);

  const onStoppedByAdministrator = useCallback((stop: AdministratorStop) => setStoppedBy(stop), []);
  const startNew = useCallback(() => {
    setStoppedBy(null);
    lastSession.current = null;
    restart();
  }, [restart]);

  if (state.phase === 'ready') lastSession.current = state.session;
  const session = state.phase === 'ready' ? state.session : lastSession.current;

  let body: React.ReactNode;
  if (state.phase === 'no-access') {
    body = <Result status="403" title={t('studio.noAccess.title')} subTitle={t('studio.noAccess.text')} />;
  } else if (state.phase === 'failed') {
    body = (
      <Result
        status="error"
        title={t('studio.session.failed')}
        subTitle={state.message}
        extra={
          <Button type="primary" onClick={startNew}>
            {t('studio.session.retry')}
          </Button>
        }
      />
    );
  } else if (session) {
    body = (
      <StudioWorkspace
        key={session.id}
        session={session}
        subscribe={subscribe}
        canEdit={canEdit}
        onStoppedByAdministrator={onStoppedByAdministrator}
      />
    );
  } else {
    body = (
      <div style={{ display: 'flex', justifyContent: 'center', padding: 64 }}>
        <Spin size="large" aria-label={t('studio.session.starting')} />
      </div>
    );
  }

  return (
    <div>
      <Space align="center" size={12} wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          {t('studio.title')}
        </Typography.Title>
        {state.phase === 'ready' && (
          <>
            <Tooltip title={t('studio.session.hint')}>
              <Typography.Text type="secondary" data-testid="studio-session" data-session-id={state.session.id}>
                {t('studio.session.name', { name: state.session.name })}
              </Typography.Text>
            </Tooltip>
            <span role="status">
              {state.connected ? (
                <Tag color="green">{t('studio.session.connected')}</Tag>
              ) : (
                <Tag color="orange">{t('studio.session.connecting')}</Tag>
              )}
            </span>
          </>
        )}
        {!canEdit && state.phase !== 'no-access' && <Tag color="blue">{t('studio.readOnly.tag')}</Tag>}
      </Space>
      {body}
      {state.phase === 'ended' && (
        <SessionEndedDialog reason={state.reason} by={state.by} backups={state.backups} onRestart={startNew} />
      )}
      {state.phase === 'ready' && stoppedBy !== null && (
        <SessionEndedDialog
          reason="stopped"
          by={stoppedBy.by}
          stop={stoppedBy}
          onRestart={startNew}
          onContinue={() => setStoppedBy(null)}
        />
      )}
    </div>
  );
}
