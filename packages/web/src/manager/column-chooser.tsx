// The toolbar's column chooser: a checkbox per column that can be hidden (the choice is remembered by the page).
import { Button, Checkbox, Popover, Space } from 'antd';
import { InsertRowRightOutlined } from '@ant-design/icons';
import { useT } from '../components/i18n';
import { HIDEABLE_COLUMNS, type ColumnKey } from './column-keys';

export interface ColumnChooserProps {
  hidden: ReadonlySet<ColumnKey>;
  setShown: (column: ColumnKey, shown: boolean) => void;
}

export function ColumnChooser({ hidden, setShown }: ColumnChooserProps) {
  const t = useT();
  const content = (
    <Space orientation="vertical" size={4} role="group" aria-label={t('mgr.columns.title')}>
      <Checkbox checked disabled>
        {t('mgr.col.name')}
      </Checkbox>
      {HIDEABLE_COLUMNS.map((key) => (
        <Checkbox key={key} checked={!hidden.has(key)} onChange={(e) => setShown(key, e.target.checked)}>
          {t(`mgr.col.${key}`)}
        </Checkbox>
      ))}
    </Space>
  );
  return (
    <Popover content={content} title={t('mgr.columns.title')} trigger="click" placement="bottomRight">
      <Button icon={<InsertRowRightOutlined aria-hidden />}>{t('mgr.action.columns')}</Button>
    </Popover>
  );
}
