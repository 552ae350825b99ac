// The icon of a session's most privileged role, labelled with the role's name for screen readers and a tooltip.
import { ApartmentOutlined, FundViewOutlined, SafetyCertificateOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { Role } from '@flowport/protocol';
import type { ComponentType } from 'react';
import { useT } from '../components/i18n';

type IconProps = { 'aria-label'?: string; title?: string; style?: React.CSSProperties };

const ICONS: Record<Role, ComponentType<IconProps>> = {
  admin: SafetyCertificateOutlined,
  design: ApartmentOutlined,
  view: FundViewOutlined,
  batch: ThunderboltOutlined,
};

const COLORS: Record<Role, string> = {
  admin: '#cf1322',
  design: '#1677ff',
  view: '#08979c',
  batch: '#d46b08',
};

export function RoleIcon({ role }: { role: Role | null }) {
  const t = useT();
  if (!role) return <span aria-label={t('mgr.role.none')}>—</span>;
  const Icon = ICONS[role];
  const label = t(`role.${role}`);
  return <Icon aria-label={label} title={label} style={{ color: COLORS[role], fontSize: 16 }} />;
}
