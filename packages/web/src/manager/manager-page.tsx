// Session Manager: the administrator's live page (placeholder until the Session Manager lands).
import { Result } from 'antd';
import { useT } from '../components/i18n';

export function ManagerPage() {
  const t = useT();
  return <Result status="info" title={t('manager.title')} subTitle={t('manager.coming')} />;
}
