// Users: the table of accounts and the actions on them (add, roles, block, password, remove).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import {
  DeleteOutlined,
  EditOutlined,
  KeyOutlined,
  LockOutlined,
  ReloadOutlined,
  UnlockOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { ROLES, sortRoles, type Role, type UserDto } from '@flowport/protocol';
import { adminApi } from '../api/admin-api';
import { ApiError } from '../api/http-client';
import { useAuth } from '../components/auth';
import { useFormatTime, useT } from '../components/i18n';

export const ROLE_COLORS: Record<Role, string> = { admin: 'volcano', design: 'blue', view: 'green', batch: 'purple' };

type Dialog = { kind: 'add' } | { kind: 'roles'; user: UserDto } | { kind: 'password'; user: UserDto };

export function UsersCard() {
  const t = useT();
  const { message } = App.useApp();
  const { user: me } = useAuth();
  const formatTime = useFormatTime();
  const [users, setUsers] = useState<UserDto[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setLoadError(null);
    try {
      setUsers(await adminApi.listUsers());
    } catch (e) {
      setLoadError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = (updated: UserDto) =>
    setUsers((list) =>
      list.some((u) => u.name === updated.name)
        ? list.map((u) => (u.name === updated.name ? updated : u))
        : [...list, updated],
    );

  const setBlocked = async (user: UserDto, blocked: boolean) => {
    setBusy(user.name);
    try {
      replace(await adminApi.updateUser(user.name, { blocked }));
      message.success(t(blocked ? 'admin.users.blockedDone' : 'admin.users.unblockedDone', { name: user.name }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (user: UserDto) => {
    setBusy(user.name);
    try {
      await adminApi.removeUser(user.name);
      setUsers((list) => list.filter((u) => u.name !== user.name));
      message.success(t('admin.users.removed', { name: user.name }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const columns: ColumnsType<UserDto> = [
    {
      title: t('admin.users.name'),
      dataIndex: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      defaultSortOrder: 'ascend',
      render: (name: string) => (
        <Space size={4}>
          <strong>{name}</strong>
          {me?.name === name && <Tag>{t('admin.users.you')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('admin.users.roles'),
      dataIndex: 'roles',
      render: (roles: Role[]) =>
        roles.length === 0 ? (
          <Tag>{t('admin.users.noRoles')}</Tag>
        ) : (
          sortRoles(roles).map((r) => (
            <Tag key={r} color={ROLE_COLORS[r]}>
              {t(`role.${r}`)}
            </Tag>
          ))
        ),
    },
    {
      title: t('admin.users.status'),
      dataIndex: 'blocked',
      render: (blocked: boolean) =>
        blocked ? (
          <Tag color="red">{t('admin.users.blocked')}</Tag>
        ) : (
          <Tag color="green">{t('admin.users.active')}</Tag>
        ),
    },
    {
      title: t('admin.users.created'),
      dataIndex: 'createdAt',
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      render: (at: string) => formatTime(at),
    },
    {
      title: t('admin.users.lastLogin'),
      dataIndex: 'lastLoginAt',
      sorter: (a, b) => (a.lastLoginAt ?? '').localeCompare(b.lastLoginAt ?? ''),
      render: (at: string | null) => formatTime(at, t('common.never')),
    },
    {
      title: t('admin.users.actions'),
      key: 'actions',
      render: (_: unknown, user: UserDto) => {
        const self = me?.name === user.name;
        const notSelf = self ? t('admin.users.notYourself') : undefined;
        return (
          <Space size={0} wrap>
            <Button
              type="link"
              size="small"
              icon={<EditOutlined />}
              aria-label={t('admin.users.editRolesOf', { name: user.name })}
              onClick={() => setDialog({ kind: 'roles', user })}
            >
              {t('admin.users.editRoles')}
            </Button>
            <Tooltip title={notSelf}>
              <Button
                type="link"
                size="small"
                icon={user.blocked ? <UnlockOutlined /> : <LockOutlined />}
                aria-label={t(user.blocked ? 'admin.users.unblockUser' : 'admin.users.blockUser', { name: user.name })}
                disabled={self}
                loading={busy === user.name}
                onClick={() => void setBlocked(user, !user.blocked)}
              >
                {t(user.blocked ? 'admin.users.unblock' : 'admin.users.block')}
              </Button>
            </Tooltip>
            <Button
              type="link"
              size="small"
              icon={<KeyOutlined />}
              aria-label={t('admin.users.resetPasswordOf', { name: user.name })}
              onClick={() => setDialog({ kind: 'password', user })}
            >
              {t('admin.users.resetPassword')}
            </Button>
            <Popconfirm
              title={t('admin.users.removeConfirm', { name: user.name })}
              okText={t('admin.users.remove')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove(user)}
              disabled={self}
            >
              <Tooltip title={notSelf}>
                <Button
                  type="link"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('admin.users.removeUser', { name: user.name })}
                  disabled={self}
                >
                  {t('admin.users.remove')}
                </Button>
              </Tooltip>
            </Popconfirm>
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('admin.users.title')}</h2>}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('common.reload')}>
            {t('common.reload')}
          </Button>
          <Button
            type="primary"
            icon={<UserAddOutlined />}
            onClick={() => setDialog({ kind: 'add' })}
            aria-label={t('admin.users.add')}
          >
            {t('admin.users.add')}
          </Button>
        </Space>
      }
    >
      {loadError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('admin.users.loadFailed')}
          description={loadError}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<UserDto>
        aria-label={t('admin.users.table')}
        rowKey="name"
        columns={columns}
        dataSource={users}
        loading={loading}
        pagination={users.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        size="middle"
        scroll={{ x: 'max-content' }}
      />
      {dialog && (
        <UserDialog
          dialog={dialog}
          onClose={() => setDialog(null)}
          onDone={(user, note) => {
            replace(user);
            setDialog(null);
            message.success(note);
          }}
        />
      )}
    </Card>
  );
}

interface DialogValues {
  name?: string;
  password?: string;
  roles?: Role[];
}

function UserDialog({
  dialog,
  onClose,
  onDone,
}: {
  dialog: Dialog;
  onClose: () => void;
  onDone: (user: UserDto, note: string) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<DialogValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const title =
    dialog.kind === 'add'
      ? t('admin.users.addTitle')
      : dialog.kind === 'roles'
        ? t('admin.users.rolesTitle', { name: dialog.user.name })
        : t('admin.users.passwordTitle', { name: dialog.user.name });
  const okText =
    dialog.kind === 'add'
      ? t('admin.users.addOk')
      : dialog.kind === 'roles'
        ? t('common.save')
        : t('admin.users.passwordOk');

  const onFinish = async (values: DialogValues) => {
    setSaving(true);
    setError(null);
    try {
      if (dialog.kind === 'add') {
        const name = (values.name ?? '').trim();
        const user = await adminApi.createUser({ name, password: values.password ?? '', roles: values.roles ?? [] });
        onDone(user, t('admin.users.added', { name: user.name }));
      } else if (dialog.kind === 'roles') {
        const user = await adminApi.updateUser(dialog.user.name, { roles: sortRoles(values.roles ?? []) });
        onDone(user, t('admin.users.rolesSaved', { name: user.name }));
      } else {
        const user = await adminApi.updateUser(dialog.user.name, { password: values.password ?? '' });
        onDone(user, t('admin.users.passwordDone', { name: user.name }));
      }
    } catch (e) {
      const fields = new Set(['name', 'password', 'roles']);
      const issues = e instanceof ApiError ? e.issues.filter((i) => fields.has(i.field)) : [];
      if (issues.length > 0)
        form.setFields(issues.map((i) => ({ name: i.field as keyof DialogValues, errors: [i.message] })));
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));

  return (
    <Modal
      open
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={saving}
      maskClosable={false}
    >
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<DialogValues>
        form={form}
        name={`user-${dialog.kind}`}
        layout="vertical"
        requiredMark={false}
        onFinish={onFinish}
        initialValues={dialog.kind === 'roles' ? { roles: dialog.user.roles } : { roles: [] }}
      >
        {dialog.kind === 'add' && (
          <Form.Item
            label={t('admin.users.userName')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('admin.users.nameRequired') }]}
          >
            <Input autoComplete="off" autoFocus />
          </Form.Item>
        )}
        {dialog.kind !== 'roles' && (
          <Form.Item
            label={dialog.kind === 'add' ? t('admin.users.password') : t('admin.users.newPassword')}
            name="password"
            rules={[{ required: true, message: t('admin.users.passwordRequired') }]}
          >
            <Input.Password autoComplete="new-password" autoFocus={dialog.kind === 'password'} />
          </Form.Item>
        )}
        {dialog.kind !== 'password' && (
          <Form.Item label={t('admin.users.roles')} name="roles" extra={t('admin.users.rolesHelp')}>
            <Checkbox.Group options={roleOptions} style={{ display: 'flex', flexDirection: 'column', gap: 8 }} />
          </Form.Item>
        )}
        {/* Enter in a field submits */}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
    </Modal>
  );
}
