// The package's validation issues under the editor: line, column, field and message; a click goes to the line.
import { Alert, Button, List, Typography } from 'antd';
import { CheckCircleOutlined } from '@ant-design/icons';
import type { PackageIssue } from '@flowport/protocol';
import { useT } from '../components/i18n';

/** Issues without repeats, in line order (issues without a line first). */
export function distinctIssues(issues: readonly PackageIssue[]): PackageIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.line ?? ''}:${i.column ?? ''}:${i.field ?? ''}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

interface IssuesListProps {
  issues: readonly PackageIssue[];
  /** The text was refused as a whole: the server still holds the previous text. */
  refused: boolean;
  /** Typed text not yet checked by the server. */
  checking: boolean;
  onGoTo: (line: number, column?: number) => void;
}

export function IssuesList({ issues, refused, checking, onGoTo }: IssuesListProps) {
  const t = useT();
  if (issues.length === 0) {
    return (
      <Typography.Text
        type={checking ? 'secondary' : 'success'}
        role="status"
        style={{ display: 'block', marginTop: 8 }}
      >
        {checking ? (
          t('studio.issues.checking')
        ) : (
          <>
            <CheckCircleOutlined /> {t('studio.issues.none')}
          </>
        )}
      </Typography.Text>
    );
  }
  return (
    <section aria-label={t('studio.issues.title')} style={{ marginTop: 8 }}>
      {refused && <Alert type="warning" showIcon title={t('studio.issues.refused')} style={{ marginBottom: 8 }} />}
      <Typography.Text type="danger" strong>
        {t('studio.issues.count', { count: issues.length })}
      </Typography.Text>
      <List
        size="small"
        dataSource={issues}
        style={{ maxHeight: 180, overflow: 'auto' }}
        renderItem={(issue) => (
          <List.Item style={{ alignItems: 'flex-start', gap: 8 }}>
            {issue.line ? (
              <Button
                size="small"
                type="link"
                danger
                style={{ padding: 0, flex: 'none' }}
                aria-label={t('studio.issues.goTo', { line: issue.line })}
                onClick={() => onGoTo(issue.line!, issue.column)}
              >
                {t('studio.issues.line', { line: issue.line, column: issue.column ?? 1 })}
              </Button>
            ) : null}
            <span style={{ flex: 1 }}>
              {issue.message}
              {issue.field && (
                <Typography.Text type="secondary" code style={{ marginInlineStart: 6 }}>
                  {issue.field}
                </Typography.Text>
              )}
            </span>
          </List.Item>
        )}
      />
    </section>
  );
}
