// The right-click menu of the table: the toolbar's actions plus "Resolve names by IP" and "Clear package pool".
import type { ReactNode } from 'react';
import { Dropdown, type MenuProps } from 'antd';
import {
  CheckOutlined,
  ClearOutlined,
  CloseOutlined,
  ReloadOutlined,
  SearchOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useT } from '../components/i18n';

export type ContextAction = 'refresh' | 'stop' | 'close' | 'search' | 'resolveNames' | 'clearPool';

export interface RowContextMenuProps {
  canStop: boolean;
  canClose: boolean;
  resolveNames: boolean;
  onAction: (action: ContextAction) => void;
  children: ReactNode;
}

const blank = <span aria-hidden style={{ display: 'inline-block', width: 14 }} />;

/** A shortcut shown right of an item, announced through aria-keyshortcuts rather than in the name. */
const shortcut = (keys: string, aria: string) => ({
  extra: <span aria-hidden>{keys}</span>,
  ...({ 'aria-keyshortcuts': aria } as object),
});

export function RowContextMenu({ canStop, canClose, resolveNames, onAction, children }: RowContextMenuProps) {
  const t = useT();
  const items: MenuProps['items'] = [
    {
      key: 'refresh',
      icon: <ReloadOutlined aria-hidden />,
      label: t('mgr.action.refresh'),
      ...shortcut('Alt+F5', 'Alt+F5'),
    },
    { key: 'stop', icon: <StopOutlined aria-hidden />, label: t('mgr.action.stop'), disabled: !canStop },
    {
      key: 'close',
      icon: <CloseOutlined aria-hidden />,
      label: t('mgr.action.close'),
      disabled: !canClose,
      ...shortcut('Delete', 'Delete'),
    },
    {
      key: 'search',
      icon: <SearchOutlined aria-hidden />,
      label: t('mgr.action.search'),
      ...shortcut('Ctrl+F', 'Control+F'),
    },
    { type: 'divider' },
    {
      key: 'resolveNames',
      icon: resolveNames ? <CheckOutlined aria-hidden /> : blank,
      label: t('mgr.action.resolveNames'),
      // a checkable item: spread, since the item type does not declare these attributes
      ...({ role: 'menuitemcheckbox', 'aria-checked': resolveNames } as object),
    },
    { key: 'clearPool', icon: <ClearOutlined aria-hidden />, label: t('mgr.action.clearPool') },
  ];
  return (
    <Dropdown
      trigger={['contextMenu']}
      destroyOnHidden
      menu={{ items, onClick: ({ key }) => onAction(key as ContextAction) }}
    >
      {children}
    </Dropdown>
  );
}
