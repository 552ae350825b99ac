// One open package (the content of its tab): toolbar, nodes, variables, the YAML editor with its issues,
// and the selected node's result.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Col, Collapse, Row, Spin } from 'antd';
import type { FileChange, PackageDto } from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { useT } from '../components/i18n';
import { FileChangedNotice, SaveConflictDialog } from './file-change';
import { distinctIssues, IssuesList } from './issues-list';
import { NodeList } from './node-list';
import { NodeResult } from './node-result';
import { PackageToolbar } from './package-toolbar';
import { SaveAsDialog } from './save-as-dialog';
import { studioApi } from './studio-api';
import { usePackageSource } from './use-package-source';
import { folderOf, type StorageFolders } from './use-storage-folders';
import {
  defaultValues,
  reconcileValues,
  runVariables,
  validateValues,
  VariablesForm,
  type VariableValues,
} from './variables-form';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor';

interface PackageViewProps {
  sid: string;
  dto: PackageDto;
  unsaved: boolean;
  /** Told by the server: the file changed since this tab's version. */
  fileChanged?: FileChange;
  /** Replaces the tab's package with the file as it is now (its unsaved changes discarded). */
  onReload: () => Promise<void>;
  folders: StorageFolders;
  onDto: (dto: PackageDto) => void;
  /** Fetches the package again (events arriving meanwhile are not lost). */
  onRefetch: () => Promise<void>;
  onPending: (pending: boolean) => void;
  onClose: () => void;
}

export function PackageView({
  sid,
  dto,
  unsaved,
  fileChanged,
  onReload,
  folders,
  onDto,
  onRefetch,
  onPending,
  onClose,
}: PackageViewProps) {
  const t = useT();
  const { message, modal } = App.useApp();
  const pid = dto.id;
  const editor = useRef<YamlEditorHandle>(null);
  const dtoRef = useRef(dto);
  dtoRef.current = dto;
  const source = usePackageSource({ sid, pid, running: dto.running, readOnly: dto.readOnly, onDto, onPending });

  const [selected, setSelected] = useState<string | null>(null);
  const [values, setValues] = useState<VariableValues>(() => defaultValues(dto.variables));
  const [varsBefore, setVarsBefore] = useState(dto.variables);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saveAsOpen, setSaveAsOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<FileChange | null>(null);
  const [stopping, setStopping] = useState(false);
  const [varsOpen, setVarsOpen] = useState<string[]>(dto.variables.length > 0 ? ['vars'] : []);

  // The variables follow edits of the package; typed values stay where the variable stays.
  if (varsBefore !== dto.variables) {
    setVarsBefore(dto.variables);
    setValues((v) => reconcileValues(v, varsBefore, dto.variables));
  }

  useEffect(() => {
    if (selected && !dto.nodes.some((n) => n.id === selected)) setSelected(null);
  }, [dto.nodes, selected]);

  const issues = useMemo(() => distinctIssues(source.refusedIssues ?? dto.issues), [source.refusedIssues, dto.issues]);
  const runBlockedBy = issues.length > 0 ? t('studio.run.blocked') : null;

  const fail = useCallback((e: unknown) => void message.error((e as Error).message), [message]);

  const run = async (node?: string) => {
    const found = validateValues(dto.variables, values, t);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      setVarsOpen(['vars']);
      void message.warning(t('studio.vars.fix'));
      return;
    }
    if (!(await source.flush())) {
      void message.warning(t('studio.run.notChecked'));
      return;
    }
    // The result shown is the node run, or for Run all the last node unless one is picked already.
    if (node) setSelected(node);
    else if (!selected && dto.nodes.length > 0) setSelected(dto.nodes[dto.nodes.length - 1].id);
    try {
      await studioApi.run(sid, pid, { node, variables: runVariables(dto.variables, values) });
      await onRefetch();
    } catch (e) {
      fail(e);
    }
  };

  const stop = async () => {
    setStopping(true);
    try {
      await studioApi.stop(sid, pid);
    } catch (e) {
      fail(e);
    } finally {
      setStopping(false);
    }
  };

  /** Saves (to `path` for Save as); the server must hold the editor's text first. */
  const saveTo = async (path?: string, overwrite = false) => {
    const saved = await studioApi.save(sid, pid, {
      path,
      baseVersion: dtoRef.current.fileVersion,
      overwrite: overwrite || undefined,
    });
    onDto(saved);
    if (saved.path) void folders.reload(folderOf(saved.path));
    void message.success(t('studio.save.done', { path: saved.path ?? '' }));
  };

  /** Sends pending edits; when the text has issues, asks whether to save it anyway. */
  const readyToSave = async (): Promise<boolean> => {
    if (!(await source.flush())) {
      void message.warning(t('studio.save.notChecked'));
      return false;
    }
    const latest = distinctIssues(source.latestIssues() ?? dtoRef.current.issues);
    if (latest.length === 0) return true;
    return new Promise<boolean>((resolve) =>
      modal.confirm({
        title: t('studio.save.withIssuesTitle'),
        content: t('studio.save.withIssues', { count: latest.length }),
        okText: t('studio.save.anyway'),
        cancelText: t('common.cancel'),
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      }),
    );
  };

  const save = async () => {
    if (dto.readOnly || saving) return;
    if (!dto.path) {
      setSaveAsOpen(true);
      return;
    }
    setSaving(true);
    try {
      if (await readyToSave()) await saveTo();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'SAVE_CONFLICT') setConflict(conflictOf(e));
      else fail(e);
    } finally {
      setSaving(false);
    }
  };

  /** Save as from the dialog: errors are shown in the dialog, which closes on success. */
  const saveAs = async (path: string) => {
    setSaving(true);
    try {
      if (!(await readyToSave())) return;
      await saveTo(path);
      setSaveAsOpen(false);
    } finally {
      setSaving(false);
    }
  };

  const reload = async () => {
    setConflict(null);
    try {
      await onReload();
    } catch (e) {
      void message.error(t('studio.conflict.reloadFailed', { error: (e as Error).message }));
    }
  };

  const overwrite = async () => {
    setSaving(true);
    try {
      await saveTo(undefined, true);
      setConflict(null);
    } catch (e) {
      fail(e);
    } finally {
      setSaving(false);
    }
  };

  const selectedNode = dto.nodes.find((n) => n.id === selected) ?? null;

  return (
    <div>
      <PackageToolbar
        dto={dto}
        unsaved={unsaved}
        runBlockedBy={runBlockedBy}
        saving={saving}
        stopping={stopping}
        onRunAll={() => void run()}
        onStop={() => void stop()}
        onSave={() => void save()}
        onSaveAs={() => setSaveAsOpen(true)}
        onClose={onClose}
      />
      {fileChanged && <FileChangedNotice change={fileChanged} onReload={() => void reload()} />}
      {dto.readOnly && <Alert type="info" showIcon title={t('studio.readOnly.banner')} style={{ marginBottom: 12 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14} xxl={12}>
          <Card size="small" title={t('studio.nodes.title')} styles={{ body: { padding: 0 } }}>
            <NodeList
              nodes={dto.nodes}
              progress={dto.progress}
              running={dto.running}
              runBlockedBy={runBlockedBy}
              selected={selected}
              onRun={(node) => void run(node)}
              onShowResult={setSelected}
            />
          </Card>
          <Collapse
            size="small"
            style={{ marginTop: 16 }}
            activeKey={varsOpen}
            onChange={(keys) => setVarsOpen(keys as string[])}
            items={[
              {
                key: 'vars',
                label: t('studio.vars.titleCount', { count: dto.variables.length }),
                children: (
                  <VariablesForm
                    variables={dto.variables}
                    values={values}
                    problems={problems}
                    disabled={dto.running}
                    onChange={(next) => {
                      setValues(next);
                      if (Object.keys(problems).length) setProblems(validateValues(dto.variables, next, t));
                    }}
                  />
                ),
              },
            ]}
          />
        </Col>
        <Col xs={24} xl={10} xxl={12}>
          <Card size="small" title={t('studio.source.title')}>
            {source.loadError ? (
              <Alert
                type="error"
                showIcon
                title={source.loadError}
                action={
                  <Button size="small" onClick={source.reload}>
                    {t('common.reload')}
                  </Button>
                }
              />
            ) : source.initialText === null ? (
              <Spin aria-label={t('app.loading')} />
            ) : (
              <div style={{ height: 420 }}>
                <YamlEditor
                  key={source.generation}
                  ref={editor}
                  initialText={source.initialText}
                  readOnly={dto.readOnly || dto.running}
                  issues={issues}
                  ariaLabel={t('studio.source.editor', { name: dto.name })}
                  onChange={source.edit}
                  onSave={() => void save()}
                />
              </div>
            )}
            {dto.running && !dto.readOnly && (
              <Alert type="info" title={t('studio.source.lockedWhileRunning')} style={{ marginTop: 8 }} />
            )}
            {source.sendError && (
              <Alert type="error" showIcon role="alert" title={source.sendError} style={{ marginTop: 8 }} />
            )}
            <IssuesList
              issues={issues}
              refused={source.refusedIssues !== null}
              checking={source.pending}
              onGoTo={(line, column) => editor.current?.goToLine(line, column)}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card
            size="small"
            title={selectedNode ? t('studio.result.of', { node: selectedNode.id }) : t('studio.result.title')}
          >
            <NodeResult sid={sid} pid={pid} node={selectedNode} />
          </Card>
        </Col>
      </Row>
      <SaveConflictDialog
        change={conflict}
        busy={saving}
        onCancel={() => setConflict(null)}
        onReload={() => void reload()}
        onOverwrite={() => void overwrite()}
        onSaveAs={() => {
          setConflict(null);
          setSaveAsOpen(true);
        }}
      />
      <SaveAsDialog
        open={saveAsOpen}
        folders={folders}
        currentPath={dto.path}
        packageName={dto.name}
        onCancel={() => setSaveAsOpen(false)}
        onSave={saveAs}
      />
    </div>
  );
}

/** The who/when of a SAVE_CONFLICT answer's details. */
function conflictOf(e: ApiError): FileChange {
  const d = e.details ?? {};
  return {
    savedBy: typeof d.savedBy === 'string' ? d.savedBy : null,
    at: typeof d.at === 'string' ? d.at : null,
    removed: false,
  };
}
