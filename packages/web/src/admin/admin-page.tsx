// Administration (administrators only): server parameters, users and backups of unsaved work.
import { Space, Typography } from 'antd';
import { hasAnyRole, PAGE_ROLES, useAuth } from '../components/auth';
import { useT } from '../components/i18n';
import { NoAccess } from '../components/no-access';
import { BackupsCard } from './backups-card';
import { ParametersCard } from './parameters-card';
import { UsersCard } from './users-card';

export function AdminPage() {
  const t = useT();
  const { user } = useAuth();
  if (!hasAnyRole(user, PAGE_ROLES.admin)) return <NoAccess roles={PAGE_ROLES.admin} />;
  return (
    <Space
      orientation="vertical"
      size="large"
      style={{ width: '100%', maxWidth: 1400, margin: '0 auto', display: 'flex' }}
    >
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('admin.title')}
      </Typography.Title>
      <ParametersCard />
      <UsersCard />
      <BackupsCard />
    </Space>
  );
}
