// Administration: every user's backups of unsaved work, to discard what is no longer needed.
import { Card } from 'antd';
import { BackupsTable } from '../components/backups-table';
import { useT } from '../components/i18n';

export function BackupsCard() {
  const t = useT();
  return (
    <Card title={t('backups.title')}>
      <BackupsTable all />
    </Card>
  );
}
