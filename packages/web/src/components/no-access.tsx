// The answer of a page to a user whose roles do not allow it.
import { Button, Result } from 'antd';
import type { Role } from '@flowport/protocol';
import { useT } from './i18n';
import { navigate } from './router';

export function NoAccess({ roles }: { roles?: readonly Role[] }) {
  const t = useT();
  return (
    <Result
      status="403"
      title={t('access.title')}
      subTitle={
        <>
          <div>{t('access.text')}</div>
          {roles && roles.length > 0 && (
            <div>{t('access.needs', { roles: roles.map((r) => t(`role.${r}`)).join(', ') })}</div>
          )}
        </>
      }
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('app.toHome')}
        </Button>
      }
    />
  );
}

/** Shows the children only to users with one of the roles, and NoAccess to the others. */
export function RequireRole({
  roles,
  userRoles,
  children,
}: {
  roles: readonly Role[];
  userRoles: readonly Role[];
  children: React.ReactNode;
}) {
  return userRoles.some((r) => roles.includes(r)) ? <>{children}</> : <NoAccess roles={roles} />;
}
