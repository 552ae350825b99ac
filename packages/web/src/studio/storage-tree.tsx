// The file storage as a lazy tree: folders load when expanded; a package opens on click (files mode), or a
// folder is chosen (folders mode, used by Save as).
import { useEffect, useMemo, useState, type Key } from 'react';
import { Alert, Button, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { ApartmentOutlined, FileOutlined, FolderOpenOutlined, FolderOutlined, HomeOutlined } from '@ant-design/icons';
import type { StorageEntry } from '@flowport/protocol';
import { useT } from '../components/i18n';
import type { StorageFolders } from './use-storage-folders';

/** Tree keys are `/` + the storage path, so the root is `/` (an empty key confuses the tree). */
const keyOf = (path: string) => `/${path}`;
const pathOf = (key: Key) => String(key).slice(1);

interface EntryNode extends DataNode {
  entry?: StorageEntry;
  /** Passed on to the tree item: its accessible name. */
  'aria-label'?: string;
}

export interface StorageTreeProps {
  folders: StorageFolders;
  mode: 'files' | 'folders';
  ariaLabel: string;
  /** The highlighted path: the active package (files mode) or the chosen folder (folders mode). */
  selectedPath?: string | null;
  /** Paths of packages open in the page, shown in bold. */
  openPaths?: ReadonlySet<string>;
  onOpenPackage?: (path: string) => void;
  onSelectFolder?: (path: string) => void;
  /** Folders to show expanded at first. */
  initiallyExpanded?: string[];
}

export function StorageTree({
  folders,
  mode,
  ariaLabel,
  selectedPath,
  openPaths,
  onOpenPackage,
  onSelectFolder,
  initiallyExpanded = [],
}: StorageTreeProps) {
  const t = useT();
  const [expanded, setExpanded] = useState<Key[]>(() =>
    mode === 'folders' ? ['/', ...initiallyExpanded.map(keyOf)] : initiallyExpanded.map(keyOf),
  );
  const { listings, errors, load } = folders;

  useEffect(() => {
    void load('');
    for (const folder of initiallyExpanded) void load(folder);
    // only when the tree appears
  }, []);

  const treeData = useMemo(() => {
    const build = (folder: string): EntryNode[] | undefined => {
      const entries = listings[folder];
      if (!entries) return undefined;
      return entries
        .filter((e) => mode === 'files' || e.type === 'folder')
        .map((entry): EntryNode => {
          const key = keyOf(entry.path);
          if (entry.type === 'folder') {
            const children = build(entry.path);
            return {
              key,
              entry,
              'aria-label': entry.name,
              title: entry.name,
              // In folders mode a loaded folder without subfolders has nothing to expand.
              isLeaf: mode === 'folders' && children !== undefined && children.length === 0,
              icon: ({ expanded: open }) => (open ? <FolderOpenOutlined /> : <FolderOutlined />),
              children,
            };
          }
          const isPackage = entry.type === 'package';
          const open = openPaths?.has(entry.path);
          return {
            key,
            entry,
            'aria-label': entry.name,
            isLeaf: true,
            selectable: isPackage,
            icon: isPackage ? <ApartmentOutlined /> : <FileOutlined />,
            title: isPackage ? (
              <span style={{ fontWeight: open ? 600 : undefined }}>{entry.name}</span>
            ) : (
              <Typography.Text type="secondary">{entry.name}</Typography.Text>
            ),
          };
        });
    };
    const top = build('') ?? [];
    if (mode === 'files') return top;
    return [
      {
        key: '/',
        'aria-label': t('studio.tree.root'),
        title: t('studio.tree.root'),
        icon: <HomeOutlined />,
        isLeaf: false,
        children: top,
      },
    ];
  }, [listings, mode, openPaths, t]);

  const loadedKeys = useMemo(() => Object.keys(listings).map(keyOf), [listings]);

  const toggle = (key: Key) => {
    // Expanding by a click on the name (not the arrow) does not make the tree load the folder itself.
    if (!expanded.includes(key)) void load(pathOf(key));
    setExpanded((keys) => (keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key]));
  };

  const onSelect = (_keys: Key[], info: { node: EntryNode }) => {
    const node = info.node;
    const path = pathOf(node.key);
    const type = node.entry?.type ?? 'folder';
    if (type === 'package') onOpenPackage?.(path);
    else if (type === 'folder') {
      if (mode === 'folders') {
        onSelectFolder?.(path);
        if (!expanded.includes(node.key)) toggle(node.key);
      } else toggle(node.key);
    }
  };

  if (errors[''] && !listings['']) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('studio.tree.loadFailed')}
        description={errors['']}
        action={
          <Button size="small" onClick={() => void folders.reset()}>
            {t('common.reload')}
          </Button>
        }
      />
    );
  }

  const selectedKeys = selectedPath === null || selectedPath === undefined ? [] : [keyOf(selectedPath)];

  return (
    <Tree<EntryNode>
      aria-label={ariaLabel}
      showIcon
      blockNode
      treeData={treeData}
      expandedKeys={expanded}
      onExpand={(keys) => setExpanded(keys)}
      loadedKeys={loadedKeys}
      loadData={async (node) => {
        await load(pathOf(node.key));
      }}
      selectedKeys={selectedKeys}
      onSelect={onSelect}
    />
  );
}
