// The login page: user name and password; on success goes to `?next=` or the user's start page.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../api/http-client';
import { LanguageSwitch } from '../components/app-shell';
import { homePath, useAuth } from '../components/auth';
import { useT } from '../components/i18n';
import { navigate, safeNextPath, useQueryParam } from '../components/router';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const t = useT();
  const { state, login } = useAuth();
  const next = safeNextPath(useQueryParam('next'));
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [form] = Form.useForm<LoginForm>();

  useEffect(() => {
    if (state.status === 'authenticated') navigate(next ?? homePath(state.user), { replace: true });
  }, [state, next]);

  const onFinish = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
      form.setFieldValue('password', '');
    } finally {
      setSubmitting(false);
    }
  };

  const expired = state.status === 'anonymous' && state.reason === 'expired';

  return (
    <main
      style={{
        minHeight: '100%',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg, #001529 0%, #003a70 100%)',
        padding: 16,
      }}
    >
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <LanguageSwitch />
        </div>
        <Typography.Title level={2} style={{ marginTop: 8, marginBottom: 4 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {expired && !error && <Alert type="info" showIcon title={t('app.sessionEnded')} style={{ marginBottom: 16 }} />}
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={t('login.failed')}
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form<LoginForm> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="login">
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
