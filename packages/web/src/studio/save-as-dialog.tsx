// Save as: choose a folder of the storage and a file name (`.pkg.yaml` is added when missing).
import { useEffect, useState } from 'react';
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useT } from '../components/i18n';
import { ApiError } from '../api/http-client';
import { StorageTree } from './storage-tree';
import { baseName, fileNameProblem, joinPath, withPackageSuffix } from './studio-format';
import { folderOf, type StorageFolders } from './use-storage-folders';

interface SaveAsDialogProps {
  open: boolean;
  folders: StorageFolders;
  /** The package's current path, or null for a draft. */
  currentPath: string | null;
  /** The package's name, to suggest a file name for a draft. */
  packageName: string;
  onCancel: () => void;
  /** Saves to the path; a rejection is shown in the dialog. */
  onSave: (path: string) => Promise<void>;
}

function suggestName(packageName: string): string {
  const slug = packageName
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'package'}.pkg.yaml`;
}

export function SaveAsDialog({ open, folders, currentPath, packageName, onCancel, onSave }: SaveAsDialogProps) {
  const t = useT();
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setFolder(currentPath ? folderOf(currentPath) : '');
    setName(currentPath ? baseName(currentPath) : suggestName(packageName));
    setTouched(false);
    setError(null);
    setSaving(false);
  }, [open, currentPath, packageName]);

  const problem = fileNameProblem(name);
  const target = problem ? null : joinPath(folder, withPackageSuffix(name));
  const exists =
    target !== null &&
    target !== currentPath &&
    (folders.listings[folderOf(target)] ?? []).some((e) => e.path === target);

  const submit = async () => {
    setTouched(true);
    if (!target) return;
    setSaving(true);
    setError(null);
    try {
      await onSave(target);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String((e as Error).message ?? e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('studio.saveAs.title')}
      okText={exists ? t('studio.saveAs.replace') : t('studio.saveAs.ok')}
      okButtonProps={{ disabled: !target, danger: exists }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onCancel}
      destroyOnHidden
      mask={{ closable: false }}
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t('studio.saveAs.folder')} htmlFor="fp-save-folder">
          <div
            id="fp-save-folder"
            style={{ maxHeight: 240, overflow: 'auto', border: '1px solid #f0f0f0', borderRadius: 6, padding: 4 }}
          >
            <StorageTree
              folders={folders}
              mode="folders"
              ariaLabel={t('studio.saveAs.folder')}
              selectedPath={folder}
              onSelectFolder={setFolder}
              initiallyExpanded={folder ? ancestors(folder) : []}
            />
          </div>
        </Form.Item>
        <Form.Item
          label={t('studio.saveAs.name')}
          htmlFor="fp-save-name"
          validateStatus={touched && problem ? 'error' : undefined}
          help={touched && problem ? t(`studio.saveAs.${problem}`) : t('studio.saveAs.nameHelp')}
        >
          <Input
            id="fp-save-name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setTouched(true);
            }}
            onPressEnter={() => void submit()}
          />
        </Form.Item>
      </Form>
      {target && (
        <Typography.Paragraph>
          {t('studio.saveAs.target')} <Typography.Text code>{target}</Typography.Text>
        </Typography.Paragraph>
      )}
      {exists && <Alert type="warning" showIcon title={t('studio.saveAs.exists', { path: target })} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 8 }} />}
    </Modal>
  );
}

/** A folder and the folders above it, outermost first. */
function ancestors(folder: string): string[] {
  const parts = folder.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
