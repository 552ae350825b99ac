// The Studio of one live session: the storage tree beside the open packages as tabs; opening, new drafts,
// closing (asking first when there are unsaved changes), and the session's events applied to the tabs.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { App, Button, Card, Empty, Modal, Space, Tabs, Tooltip } from 'antd';
import { FileAddOutlined, HistoryOutlined, ReloadOutlined } from '@ant-design/icons';
import type { PackageDto, SessionCreated, SessionEvent } from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { BackupsTable } from '../components/backups-table';
import { useT } from '../components/i18n';
import {
  EMPTY_OPEN_PACKAGES,
  findByPath,
  hasUnsavedChanges,
  openPackagesReducer,
  type OpenPackage,
} from './open-packages';
import { PackageView } from './package-view';
import type { AdministratorStop } from './session-ended-dialog';
import type { SessionListener } from './session-connection';
import { StorageTree } from './storage-tree';
import { studioApi } from './studio-api';
import { useStorageFolders } from './use-storage-folders';

const visuallyHidden: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

export function draftTemplate(name: string): string {
  return [
    `name: ${name}`,
    'version: 1.0.0',
    'nodes:',
    '  - id: numbers',
    '    kind: sql',
    '    sql: SELECT range AS n, range * range AS square FROM range(10)',
    '',
  ].join('\n');
}

interface StudioWorkspaceProps {
  session: SessionCreated;
  subscribe: (listener: SessionListener) => () => void;
  /** Workflow designers and administrators may create drafts; report viewers may not. */
  canEdit: boolean;
  onStoppedByAdministrator: (stop: AdministratorStop) => void;
}

export function StudioWorkspace({ session, subscribe, canEdit, onStoppedByAdministrator }: StudioWorkspaceProps) {
  const t = useT();
  const { message, modal, notification } = App.useApp();
  const sid = session.id;
  const folders = useStorageFolders();
  const [state, dispatch] = useReducer(openPackagesReducer, EMPTY_OPEN_PACKAGES);
  const [opening, setOpening] = useState<string | null>(null);
  const [backupsOpen, setBackupsOpen] = useState(false);
  const drafts = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  // Events that arrive while a package is being fetched are kept and applied again on top of the answer,
  // which the server may have built before them (a node that started meanwhile stays "running").
  const inFlight = useRef(new Map<string, Set<SessionEvent[]>>());
  const fetchPackage = useCallback(
    async (pid: string) => {
      const arrived: SessionEvent[] = [];
      const waiting = inFlight.current.get(pid) ?? new Set<SessionEvent[]>();
      inFlight.current.set(pid, waiting.add(arrived));
      try {
        dispatch({ type: 'updated', dto: await studioApi.getPackage(sid, pid), replay: arrived });
      } finally {
        waiting.delete(arrived);
      }
    },
    [sid],
  );

  const refetch = useCallback(
    async (pid: string) => {
      try {
        await fetchPackage(pid);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'PACKAGE_NOT_FOUND') dispatch({ type: 'closed', id: pid });
      }
    },
    [fetchPackage],
  );

  useEffect(
    () =>
      subscribe((event: SessionEvent) => {
        const about = event.type === 'package' ? event.package.id : 'packageId' in event ? event.packageId : null;
        if (about) inFlight.current.get(about)?.forEach((arrived) => arrived.push(event));
        dispatch({ type: 'event', event });
        switch (event.type) {
          case 'hello':
            // (Re)connected: events may have been missed meanwhile.
            for (const pid of stateRef.current.order) void refetch(pid);
            break;
          case 'run-finished':
            void refetch(event.packageId);
            // The server's own stop would otherwise show only as "cancelled": the reason stays on screen.
            if (event.code === 'MEMORY_LIMIT')
              notification.warning({ title: t('studio.memoryStop.title'), description: event.error, duration: 0 });
            break;
          case 'package-closed': {
            const closed = stateRef.current.byId[event.packageId];
            if (closed && event.byAdministrator) {
              notification.warning({
                title: t('studio.closedByAdmin.title'),
                description: t('studio.closedByAdmin.text', { name: closed.dto.name }),
                duration: 0,
              });
            }
            break;
          }
          case 'stopped-by-administrator': {
            // The designer's other packages that still execute: the session goes on for them.
            const current = stateRef.current;
            const stoppedIds = new Set(event.stopped.map((x) => x.packageId));
            const stillRunning = current.order
              .map((id) => current.byId[id]?.dto)
              .filter((d): d is PackageDto => !!d && d.running && !stoppedIds.has(d.id))
              .map((d) => d.name);
            onStoppedByAdministrator({ by: event.by, stopped: event.stopped, stillRunning });
            break;
          }
        }
      }),
    [subscribe, refetch, notification, onStoppedByAdministrator, t],
  );

  // Leaving the page with unsaved changes asks the browser's question.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      const current = stateRef.current;
      if (current.order.some((id) => current.byId[id] && hasUnsavedChanges(current.byId[id]))) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const openPath = async (path: string) => {
    const open = findByPath(stateRef.current, path);
    if (open) {
      dispatch({ type: 'activate', id: open.dto.id });
      return;
    }
    if (opening) return;
    setOpening(path);
    try {
      dispatch({ type: 'opened', dto: await studioApi.openPackage(sid, path) });
    } catch (e) {
      void message.error(t('studio.open.failed', { path, error: (e as Error).message }));
    } finally {
      setOpening(null);
    }
  };

  const newDraft = async () => {
    drafts.current += 1;
    const name = drafts.current === 1 ? t('studio.draft.name') : `${t('studio.draft.name')} ${drafts.current}`;
    try {
      dispatch({ type: 'opened', dto: await studioApi.openDraft(sid, draftTemplate(name)) });
    } catch (e) {
      void message.error((e as Error).message);
    }
  };

  /** A backup opened as a draft: its text in a new tab, to save wherever the designer chooses. */
  const openBackup = async (yaml: string) => {
    dispatch({ type: 'opened', dto: await studioApi.openDraft(sid, yaml) });
    setBackupsOpen(false);
  };

  const close = async (pid: string) => {
    try {
      await studioApi.closePackage(sid, pid);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'PACKAGE_NOT_FOUND')) {
        void message.error((e as Error).message);
        return;
      }
    }
    dispatch({ type: 'closed', id: pid });
  };

  /** Reload from the file: the file opened anew, then the tab's old package closed (its unsaved changes dropped). */
  const reload = async (pid: string) => {
    const path = stateRef.current.byId[pid]?.dto.path;
    if (!path) return;
    const fresh = await studioApi.openPackage(sid, path);
    await studioApi.closePackage(sid, pid).catch(() => undefined);
    dispatch({ type: 'closed', id: pid });
    dispatch({ type: 'opened', dto: fresh });
  };

  const requestClose = (pid: string) => {
    const open = stateRef.current.byId[pid];
    if (!open) return;
    if (!hasUnsavedChanges(open) || open.dto.readOnly) {
      void close(pid);
      return;
    }
    modal.confirm({
      title: t('studio.closeConfirm.title', { name: open.dto.name }),
      content: open.dto.path ? t('studio.closeConfirm.text') : t('studio.closeConfirm.draft'),
      okText: t('studio.closeConfirm.ok'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => close(pid),
    });
  };

  const onDto = useCallback((dto: PackageDto) => dispatch({ type: 'updated', dto }), []);

  const openPaths = useMemo(
    () => new Set(state.order.map((id) => state.byId[id]?.dto.path).filter((p): p is string => !!p)),
    [state],
  );
  const active = state.active ? state.byId[state.active] : undefined;

  const tabLabel = (p: OpenPackage) => {
    const unsaved = hasUnsavedChanges(p) && !p.dto.readOnly;
    return (
      <Tooltip title={p.dto.path ?? t('studio.package.draft')} placement="bottom">
        <span style={{ position: 'relative' }}>
          {p.dto.name}
          {unsaved && (
            <>
              <span aria-hidden="true" style={{ color: '#fa8c16', marginInlineStart: 6 }}>
                ●
              </span>
              <span style={visuallyHidden}> {t('studio.tab.unsaved')}</span>
            </>
          )}
          {p.dto.running && <span style={visuallyHidden}> {t('studio.package.running')}</span>}
        </span>
      </Tooltip>
    );
  };

  return (
    <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
      <aside aria-label={t('studio.tree.title')} style={{ width: 250, flex: 'none' }}>
        <Card
          size="small"
          title={t('studio.tree.title')}
          extra={
            <Button
              size="small"
              type="text"
              icon={<ReloadOutlined />}
              aria-label={t('studio.tree.refresh')}
              onClick={() => void folders.reset()}
            />
          }
        >
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Tooltip title={canEdit ? undefined : t('studio.readOnly.hint')}>
              <Button
                block
                icon={<FileAddOutlined />}
                aria-label={t('studio.draft.new')}
                disabled={!canEdit}
                onClick={() => void newDraft()}
              >
                {t('studio.draft.new')}
              </Button>
            </Tooltip>
            <Button block icon={<HistoryOutlined />} disabled={!canEdit} onClick={() => setBackupsOpen(true)}>
              {t('backups.button')}
            </Button>
            <StorageTree
              folders={folders}
              mode="files"
              ariaLabel={t('studio.tree.title')}
              selectedPath={active?.dto.path ?? null}
              openPaths={openPaths}
              onOpenPackage={(path) => void openPath(path)}
            />
          </Space>
        </Card>
      </aside>
      <Modal
        open={backupsOpen}
        title={t('backups.title')}
        footer={null}
        width={900}
        destroyOnHidden
        onCancel={() => setBackupsOpen(false)}
      >
        <BackupsTable onOpen={(_, yaml) => openBackup(yaml)} />
      </Modal>
      <section aria-label={t('studio.tabs.title')} aria-busy={opening !== null} style={{ flex: 1, minWidth: 0 }}>
        {state.order.length === 0 ? (
          <Card>
            <Empty description={t(canEdit ? 'studio.tabs.empty' : 'studio.tabs.emptyViewer')} />
          </Card>
        ) : (
          <Tabs
            type="editable-card"
            hideAdd
            activeKey={state.active ?? undefined}
            onChange={(id) => dispatch({ type: 'activate', id })}
            onEdit={(id, action) => {
              if (action === 'remove' && typeof id === 'string') requestClose(id);
            }}
            {...{ locale: { removeAriaLabel: t('studio.tab.close') } }}
            items={state.order.map((id) => {
              const p = state.byId[id]!;
              return {
                key: id,
                label: tabLabel(p),
                children: (
                  <PackageView
                    sid={sid}
                    dto={p.dto}
                    unsaved={hasUnsavedChanges(p)}
                    fileChanged={p.fileChanged}
                    onReload={() => reload(id)}
                    folders={folders}
                    onDto={onDto}
                    onRefetch={() => fetchPackage(id)}
                    onPending={(pending) => dispatch({ type: 'local-edits', id, pending })}
                    onClose={() => requestClose(id)}
                  />
                ),
              };
            })}
          />
        )}
      </section>
    </div>
  );
}
