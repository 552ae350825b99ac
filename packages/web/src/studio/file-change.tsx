// A package's file changed since the tab's version: the notice shown at once, and the save conflict's three choices.
import { Alert, App, Button, Modal, Space } from 'antd';
import type { FileChange } from '@flowport/protocol';
import { useFormatTime, useT } from '../components/i18n';

/** Who changed the file and when, in words: the designer who saved it through Flowport, else the disk. */
export function useChangeText(): (change: FileChange) => string {
  const t = useT();
  const time = useFormatTime();
  return (change) => {
    if (change.removed) return t('studio.fileChange.removed');
    if (change.savedBy) return t('studio.fileChange.savedBy', { user: change.savedBy, time: time(change.at) });
    return t('studio.fileChange.onDisk', { time: time(change.at) });
  };
}

/** The notice in a tab whose file changed: reloading is offered at once; saving will ask. */
export function FileChangedNotice({ change, onReload }: { change: FileChange; onReload: () => void }) {
  const t = useT();
  const text = useChangeText();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="file-changed-notice"
      title={text(change)}
      description={t('studio.fileChange.hint')}
      action={
        change.removed ? undefined : (
          <Button size="small" onClick={onReload}>
            {t('studio.fileChange.reload')}
          </Button>
        )
      }
      style={{ marginBottom: 12 }}
    />
  );
}

interface SaveConflictDialogProps {
  /** The conflict the server answered, or null when closed. */
  change: FileChange | null;
  busy: boolean;
  onReload: () => void;
  /** Asked to confirm first: the other version of the file is lost. */
  onOverwrite: () => void;
  onSaveAs: () => void;
  onCancel: () => void;
}

/** The server refused a save (SAVE_CONFLICT): reload the file, overwrite it (confirmed) or save as another file. */
export function SaveConflictDialog({
  change,
  busy,
  onReload,
  onOverwrite,
  onSaveAs,
  onCancel,
}: SaveConflictDialogProps) {
  const t = useT();
  const text = useChangeText();
  // The page's own modal API, not a holder inside this dialog: the dialog's content is destroyed when hidden, and a
  // confirm asked of an unmounted holder is dropped without a word (seen once in CI: Overwrite asked nothing).
  const { modal } = App.useApp();
  const confirmOverwrite = () =>
    modal.confirm({
      title: t('studio.conflict.overwriteTitle'),
      content: t('studio.conflict.overwriteText'),
      okText: t('studio.conflict.overwrite'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: onOverwrite,
    });
  return (
    <Modal
      open={change !== null}
      title={t('studio.conflict.title')}
      onCancel={onCancel}
      destroyOnHidden
      footer={
        <Space wrap>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
          <Button onClick={onReload} disabled={busy}>
            {t('studio.conflict.reload')}
          </Button>
          <Button onClick={onSaveAs} disabled={busy}>
            {t('studio.conflict.saveAs')}
          </Button>
          <Button danger type="primary" onClick={confirmOverwrite} loading={busy}>
            {t('studio.conflict.overwrite')}
          </Button>
        </Space>
      }
    >
      {change && <p>{text(change)}</p>}
      <p>{t('studio.conflict.text')}</p>
    </Modal>
  );
}
