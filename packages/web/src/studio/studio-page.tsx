// Studio: the workflow designer's page (placeholder until the Studio lands).
import { Result } from 'antd';
import { useT } from '../components/i18n';

export function StudioPage() {
  const t = useT();
  return <Result status="info" title={t('studio.title')} subTitle={t('studio.coming')} />;
}
