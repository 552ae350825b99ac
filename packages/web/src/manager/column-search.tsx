// The menu in a column header: a search in that column (applied as you type) and "Hide column".
import { useEffect, useRef } from 'react';
import { Button, Input, Space, type InputRef } from 'antd';
import { EyeInvisibleOutlined, SearchOutlined } from '@ant-design/icons';
import { useT } from '../components/i18n';

export interface ColumnSearchProps {
  title: string;
  value: string;
  visible: boolean;
  onChange: (value: string) => void;
  onClose: () => void;
  /** Absent for the first column, which cannot be hidden. */
  onHide?: () => void;
}

export function ColumnSearch({ title, value, visible, onChange, onClose, onHide }: ColumnSearchProps) {
  const t = useT();
  const input = useRef<InputRef>(null);

  useEffect(() => {
    if (!visible) return;
    const timer = setTimeout(() => input.current?.focus({ cursor: 'all' }), 50);
    return () => clearTimeout(timer);
  }, [visible]);

  return (
    <div
      style={{ padding: 8, width: 260 }}
      role="dialog"
      aria-label={t('mgr.col.menu', { column: title })}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') onClose();
      }}
    >
      <Input
        ref={input}
        allowClear
        size="small"
        prefix={<SearchOutlined aria-hidden />}
        aria-label={t('mgr.col.search', { column: title })}
        placeholder={t('mgr.col.searchPlaceholder', { column: title })}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onPressEnter={onClose}
        style={{ marginBottom: 8 }}
      />
      <Space wrap size="small">
        <Button size="small" type="primary" onClick={onClose}>
          {t('mgr.col.apply')}
        </Button>
        <Button size="small" disabled={!value} onClick={() => onChange('')}>
          {t('mgr.col.reset')}
        </Button>
        {onHide && (
          <Button
            size="small"
            icon={<EyeInvisibleOutlined aria-hidden />}
            onClick={() => {
              onClose();
              onHide();
            }}
          >
            {t('mgr.col.hide')}
          </Button>
        )}
      </Space>
    </div>
  );
}
