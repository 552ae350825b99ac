// The frame of every page after login: product name, the pages the user's roles allow, the
// user, the language switch and logout.
import type { ReactNode } from 'react';
import { Button, Layout, Space, Tag, Tooltip, Typography } from 'antd';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { topRole } from '@flowport/protocol';
import { hasAnyRole, PAGE_ROLES, useAuth } from './auth';
import { LANGUAGES, useI18n } from './i18n';
import { Link, navigate, useLocation } from './router';

const NAV = [
  { path: '/studio', key: 'nav.studio', roles: PAGE_ROLES.studio },
  { path: '/manager', key: 'nav.manager', roles: PAGE_ROLES.manager },
  { path: '/admin', key: 'nav.admin', roles: PAGE_ROLES.admin },
] as const;

const linkStyle = (active: boolean): React.CSSProperties => ({
  color: active ? '#fff' : 'rgba(255,255,255,0.75)',
  fontWeight: active ? 600 : 400,
  padding: '0 12px',
  lineHeight: '64px',
  display: 'inline-block',
  borderBottom: active ? '3px solid #1677ff' : '3px solid transparent',
  textDecoration: 'none',
});

/** English / Русский: a group named "Language" of two toggle buttons (`aria-pressed` on the current one). */
export function LanguageSwitch({ style }: { style?: React.CSSProperties }) {
  const { language, setLanguage, t } = useI18n();
  return (
    <Space.Compact role="group" aria-label={t('shell.language')} style={{ whiteSpace: 'nowrap', ...style }}>
      {LANGUAGES.map((l) => (
        <Button
          key={l.value}
          size="small"
          type={l.value === language ? 'primary' : 'default'}
          aria-pressed={l.value === language}
          lang={l.value}
          onClick={() => setLanguage(l.value)}
        >
          {l.label}
        </Button>
      ))}
    </Space.Compact>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const { t } = useI18n();
  const { pathname } = useLocation();
  const role = user ? topRole(user.roles) : null;

  const onLogout = async () => {
    try {
      await logout();
    } finally {
      navigate('/login', { replace: true });
    }
  };

  return (
    <Layout style={{ minHeight: '100%' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
        <Link to="/" style={{ color: '#fff', fontSize: 18, fontWeight: 700, textDecoration: 'none' }}>
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')} style={{ flex: 1, whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {NAV.filter((item) => hasAnyRole(user, item.roles)).map((item) => {
            const active = pathname === item.path || pathname.startsWith(item.path + '/');
            return (
              <Link key={item.path} to={item.path} aria-current={active ? 'page' : undefined} style={linkStyle(active)}>
                {t(item.key)}
              </Link>
            );
          })}
        </nav>
        <Space size="middle">
          {user && (
            <Tooltip title={user.roles.map((r) => t(`role.${r}`)).join(', ')}>
              <span data-testid="current-user" style={{ color: '#fff' }}>
                <UserOutlined /> <Typography.Text style={{ color: '#fff' }}>{user.name}</Typography.Text>
                {role && (
                  <Tag color="blue" style={{ marginInlineStart: 8 }}>
                    {t(`role.${role}`)}
                  </Tag>
                )}
              </span>
            </Tooltip>
          )}
          <LanguageSwitch />
          <Button icon={<LogoutOutlined />} onClick={onLogout} size="small" aria-label={t('shell.logout')}>
            {t('shell.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
    </Layout>
  );
}
