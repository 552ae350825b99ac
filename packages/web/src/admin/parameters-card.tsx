// Server parameters: a form built from PARAMETER_DEFS; the server validates and its field
// errors are shown on the fields.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Space, Spin } from 'antd';
import { ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { PARAMETER_DEFS, type ParameterDef, type ServerParameters } from '@flowport/protocol';
import { adminApi } from '../api/admin-api';
import { ApiError } from '../api/http-client';
import { useT, type Translate } from '../components/i18n';

type FormValues = Record<string, string>;

const toForm = (p: ServerParameters): FormValues =>
  Object.fromEntries(PARAMETER_DEFS.map((d) => [d.key, String(p[d.key])]));

/** The value to send: integer-looking text as a number, anything else as typed (the server says what is wrong). */
function toWire(def: ParameterDef, text: string | undefined): unknown {
  const value = (text ?? '').trim();
  if (def.type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  return value;
}

function describe(def: ParameterDef, t: Translate): string {
  const parts = [t(`param.${def.key}.help`)];
  const unit = def.unit ? ` ${t(`unit.${def.unit}`)}` : '';
  if (def.type === 'integer' && def.min !== undefined && def.max !== undefined) {
    parts.push(t('param.range', { min: def.min, max: def.max }) + unit);
  }
  parts.push(t('param.default', { value: `${def.default}${unit}` }));
  return parts.join(' · ');
}

export function ParametersCard() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [loaded, setLoaded] = useState<ServerParameters | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setLoadError(null);
    try {
      const params = await adminApi.getParameters();
      setLoaded(params);
      form.resetFields();
      form.setFieldsValue(toForm(params));
    } catch (e) {
      setLoadError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [form]);

  useEffect(() => {
    void load();
  }, [load]);

  const onFinish = async (values: FormValues) => {
    if (!loaded) return;
    const changes: Record<string, unknown> = {};
    for (const def of PARAMETER_DEFS) {
      const value = toWire(def, values[def.key]);
      if (value !== loaded[def.key]) changes[def.key] = value;
    }
    if (Object.keys(changes).length === 0) {
      message.info(t('admin.params.noChanges'));
      return;
    }
    setSaving(true);
    try {
      const saved = await adminApi.updateParameters(changes);
      setLoaded(saved);
      form.setFieldsValue(toForm(saved));
      message.success(t('admin.params.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.issues.length > 0) {
        const known = new Set<string>(PARAMETER_DEFS.map((d) => d.key));
        const onFields = e.issues.filter((i) => known.has(i.field));
        form.setFields(onFields.map((i) => ({ name: i.field, errors: [i.message] })));
        const other = e.issues.filter((i) => !known.has(i.field));
        message.error(
          other.length > 0 ? other.map((i) => `${i.field}: ${i.message}`).join('; ') : t('admin.params.invalid'),
        );
      } else {
        message.error((e as Error).message);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('admin.params.title')}</h2>}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading} aria-label={t('common.reload')}>
          {t('common.reload')}
        </Button>
      }
    >
      {loadError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('admin.params.loadFailed')}
          description={loadError}
          style={{ marginBottom: 16 }}
        />
      )}
      <Spin spinning={loading}>
        <Form<FormValues>
          form={form}
          name="parameters"
          layout="vertical"
          onFinish={onFinish}
          disabled={!loaded || saving}
          requiredMark={false}
        >
          <Row gutter={24}>
            {PARAMETER_DEFS.map((def) => (
              <Col key={def.key} xs={24} md={12} xl={8}>
                <Form.Item
                  label={t(`param.${def.key}.label`)}
                  name={def.key}
                  extra={describe(def, t)}
                  rules={[{ required: true, whitespace: true, message: t('admin.params.required') }]}
                >
                  {def.type === 'enum' ? (
                    <Select options={(def.values ?? []).map((v) => ({ value: v, label: v }))} />
                  ) : (
                    <Input
                      inputMode="numeric"
                      autoComplete="off"
                      suffix={def.unit ? t(`unit.${def.unit}`) : undefined}
                    />
                  )}
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Space>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SaveOutlined />}
              loading={saving}
              aria-label={t('common.save')}
            >
              {t('common.save')}
            </Button>
            <Button onClick={() => loaded && (form.resetFields(), form.setFieldsValue(toForm(loaded)))}>
              {t('common.reset')}
            </Button>
          </Space>
        </Form>
      </Spin>
    </Card>
  );
}
