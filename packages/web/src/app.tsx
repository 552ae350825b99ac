// The app: the current login, the language, and which page the location shows.
import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import type { Role } from '@flowport/protocol';
import { AuthProvider, homePath, PAGE_ROLES, useAuth } from './components/auth';
import { AppShell } from './components/app-shell';
import { I18nProvider, useI18n, useT } from './components/i18n';
import { RequireRole } from './components/no-access';
import { navigate, useLocation } from './components/router';
import { LoginPage } from './login/login-page';

const named = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

const StudioPage = named(() => import('./studio/studio-page'), 'StudioPage');
const ManagerPage = named(() => import('./manager/manager-page'), 'ManagerPage');
const AdminPage = named(() => import('./admin/admin-page'), 'AdminPage');

interface PageRoute {
  path: string;
  roles: readonly Role[];
  Page: ComponentType;
}

const ROUTES: PageRoute[] = [
  { path: '/studio', roles: PAGE_ROLES.studio, Page: StudioPage },
  { path: '/manager', roles: PAGE_ROLES.manager, Page: ManagerPage },
  { path: '/admin', roles: PAGE_ROLES.admin, Page: AdminPage },
];

function Loading() {
  const t = useT();
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: 64 }}>
      <Spin size="large" aria-label={t('app.loading')} />
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return <Loading />;
}

function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('app.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('app.toHome')}
        </Button>
      }
    />
  );
}

function Routes() {
  const { state } = useAuth();
  const { pathname, search } = useLocation();
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;

  if (state.status === 'loading') return <Loading />;
  if (path === '/login') return <LoginPage />;
  if (state.status !== 'authenticated') {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return <Redirect to={`/login${next}`} />;
  }
  const user = state.user;
  if (path === '/') return <Redirect to={homePath(user)} />;

  const route = ROUTES.find((r) => path === r.path || path.startsWith(r.path + '/'));
  let page: ReactNode;
  if (!route) page = <NotFound />;
  else
    page = (
      <RequireRole roles={route.roles} userRoles={user.roles}>
        <Suspense fallback={<Loading />}>
          <route.Page />
        </Suspense>
      </RequireRole>
    );
  return <AppShell>{page}</AppShell>;
}

function Themed({ children }: { children: ReactNode }) {
  const { antdLocale } = useI18n();
  return (
    <ConfigProvider locale={antdLocale} theme={{ token: { colorPrimary: '#1677ff' } }}>
      <AntApp style={{ height: '100%' }}>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed>
        <AuthProvider>
          <Routes />
        </AuthProvider>
      </Themed>
    </I18nProvider>
  );
}
