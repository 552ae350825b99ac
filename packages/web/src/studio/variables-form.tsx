// The package's variables before a run: see their types and defaults, set values (sent in the run request).
import { Button, Checkbox, Empty, Form, Input, InputNumber, Space, Switch, Tag, Typography } from 'antd';
import type { VariableDto } from '@flowport/protocol';
import { useT, type Translate } from '../components/i18n';

/** A value per variable name: string (string, date), number, boolean or null. */
export type VariableValues = Record<string, string | number | boolean | null | undefined>;

const DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function fromDefault(v: VariableDto): VariableValues[string] {
  const d = v.default;
  if (d === null || d === undefined) return v.nullable ? null : undefined;
  switch (v.type) {
    case 'number':
    case 'integer':
      return typeof d === 'number' ? d : Number.isFinite(Number(d)) ? Number(d) : undefined;
    case 'boolean':
      return typeof d === 'boolean' ? d : d === 'true';
    default:
      return String(d);
  }
}

export function defaultValues(variables: readonly VariableDto[]): VariableValues {
  return Object.fromEntries(variables.map((v) => [v.name, fromDefault(v)]));
}

/** Keeps what the user typed for variables that still exist with the same type; defaults for the rest. */
export function reconcileValues(
  previous: VariableValues,
  before: readonly VariableDto[],
  now: readonly VariableDto[],
): VariableValues {
  const oldTypes = new Map(before.map((v) => [v.name, v.type]));
  return Object.fromEntries(
    now.map((v) => [v.name, oldTypes.get(v.name) === v.type && v.name in previous ? previous[v.name] : fromDefault(v)]),
  );
}

/** Problems by variable name; empty when the values can be sent. */
export function validateValues(variables: readonly VariableDto[], values: VariableValues, t: Translate) {
  const problems: Record<string, string> = {};
  for (const v of variables) {
    const value = values[v.name];
    if (value === null) {
      if (!v.nullable) problems[v.name] = t('studio.vars.required');
      continue;
    }
    if (value === undefined || (value === '' && v.type !== 'string')) {
      problems[v.name] = t('studio.vars.required');
    } else if (v.type === 'integer' && !Number.isInteger(value)) {
      problems[v.name] = t('studio.vars.integer');
    } else if (v.type === 'date' && !DATE.test(String(value))) {
      problems[v.name] = t('studio.vars.date');
    }
  }
  return problems;
}

/** The `variables` of a run request. */
export function runVariables(variables: readonly VariableDto[], values: VariableValues): Record<string, unknown> {
  return Object.fromEntries(variables.map((v) => [v.name, values[v.name] ?? null]));
}

interface VariablesFormProps {
  variables: readonly VariableDto[];
  values: VariableValues;
  problems: Record<string, string>;
  disabled: boolean;
  onChange: (values: VariableValues) => void;
}

export function VariablesForm({ variables, values, problems, disabled, onChange }: VariablesFormProps) {
  const t = useT();
  if (variables.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('studio.vars.none')} />;
  }
  const set = (name: string, value: VariableValues[string]) => onChange({ ...values, [name]: value });

  return (
    <Form layout="vertical" component="div" disabled={disabled} aria-label={t('studio.vars.title')}>
      {variables.map((v) => {
        const id = `fp-var-${v.name}`;
        const value = values[v.name];
        const isNull = value === null;
        let control: React.ReactNode;
        switch (v.type) {
          case 'number':
          case 'integer':
            control = (
              <InputNumber
                id={id}
                style={{ width: 180 }}
                precision={v.type === 'integer' ? 0 : undefined}
                value={typeof value === 'number' ? value : null}
                disabled={isNull}
                onChange={(n) => set(v.name, n ?? undefined)}
              />
            );
            break;
          case 'boolean':
            control = (
              <Switch id={id} checked={value === true} disabled={isNull} onChange={(checked) => set(v.name, checked)} />
            );
            break;
          default:
            control = (
              <Input
                id={id}
                style={{ width: 240 }}
                placeholder={v.type === 'date' ? 'YYYY-MM-DD' : undefined}
                value={typeof value === 'string' ? value : ''}
                disabled={isNull}
                onChange={(e) => set(v.name, e.target.value)}
              />
            );
        }
        return (
          <Form.Item
            key={v.name}
            htmlFor={id}
            label={v.name}
            tooltip={t('studio.vars.default', { value: v.default === undefined ? '—' : JSON.stringify(v.default) })}
            validateStatus={problems[v.name] ? 'error' : undefined}
            help={problems[v.name]}
            style={{ marginBottom: 12 }}
          >
            <Space wrap>
              {control}
              <Tag>{t(`studio.vars.type.${v.type}`)}</Tag>
              {v.nullable && (
                <Checkbox
                  checked={isNull}
                  aria-label={t('studio.vars.nullOf', { name: v.name })}
                  onChange={(e) => set(v.name, e.target.checked ? null : fromDefault({ ...v, nullable: false }))}
                >
                  {t('studio.vars.null')}
                </Checkbox>
              )}
            </Space>
          </Form.Item>
        );
      })}
      <Button size="small" onClick={() => onChange(defaultValues(variables))}>
        {t('studio.vars.reset')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('studio.vars.hint')}
      </Typography.Paragraph>
    </Form>
  );
}
