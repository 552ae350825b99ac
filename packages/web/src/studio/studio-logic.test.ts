// Unit tests of the Studio's pure logic: open-package state under session events, issue positions, file
// names for Save as, and variable values for a run.
import { describe, expect, it } from 'vitest';
import { Text } from '@codemirror/state';
import type { PackageDto, VariableDto } from '@flowport/protocol';
import { distinctIssues } from './issues-list';
import { EMPTY_OPEN_PACKAGES, hasUnsavedChanges, openPackagesReducer, type OpenPackagesState } from './open-packages';
import { fileNameProblem, joinPath, withPackageSuffix } from './studio-format';
import { folderOf } from './use-storage-folders';
import { reconcileValues, runVariables, validateValues } from './variables-form';
import { issueRange } from './yaml-editor';

function pkg(id: string, extra: Partial<PackageDto> = {}): PackageDto {
  return {
    id,
    name: `Package ${id}`,
    version: '1.0.0',
    path: `demo/${id}.pkg.yaml`,
    dirty: false,
    running: false,
    readOnly: false,
    createdAt: null,
    savedAt: null,
    fileVersion: null,
    nodes: [
      { id: 'a', kind: 'sql', access: 'private', state: 'idle' },
      { id: 'b', kind: 'sql', access: 'published', state: 'idle' },
    ],
    variables: [],
    issues: [],
    ...extra,
  };
}

const open = (...dtos: PackageDto[]): OpenPackagesState =>
  dtos.reduce((s, dto) => openPackagesReducer(s, { type: 'opened', dto }), EMPTY_OPEN_PACKAGES);

describe('open packages', () => {
  it('opens tabs in order, activates the newest and the neighbour of a closed active tab', () => {
    let s = open(pkg('p1'), pkg('p2'), pkg('p3'));
    expect(s.order).toEqual(['p1', 'p2', 'p3']);
    expect(s.active).toBe('p3');
    s = openPackagesReducer(s, { type: 'activate', id: 'p2' });
    s = openPackagesReducer(s, { type: 'closed', id: 'p2' });
    expect(s.order).toEqual(['p1', 'p3']);
    expect(s.active).toBe('p3');
    s = openPackagesReducer(s, { type: 'closed', id: 'p3' });
    expect(s.active).toBe('p1');
    s = openPackagesReducer(s, { type: 'closed', id: 'p1' });
    expect(s).toEqual({ order: [], byId: {}, active: null });
  });

  it('keeps the events that arrived while a fetched package was on its way', () => {
    let s = open(pkg('p1'));
    const started = { type: 'node-started', packageId: 'p1', node: 'b', at: '2026-01-01T00:00:01Z' } as const;
    s = openPackagesReducer(s, { type: 'event', event: started });
    // The server built its answer before node b started: applied alone, it would show b as not run.
    const stale = { ...pkg('p1'), running: true };
    s = openPackagesReducer(s, { type: 'updated', dto: stale, replay: [started] });
    expect(s.byId.p1.dto.nodes.find((n) => n.id === 'b')?.state).toBe('running');
    // Replaying what the answer already contains changes nothing.
    const finished = { type: 'node-finished', packageId: 'p1', node: 'b', rows: 3, durationMs: 5 } as const;
    s = openPackagesReducer(s, { type: 'updated', dto: stale, replay: [started, finished] });
    expect(s.byId.p1.dto.nodes.find((n) => n.id === 'b')).toMatchObject({ state: 'done', rows: 3 });
  });

  it('follows a run through its events', () => {
    let s = open(pkg('p1'), pkg('p2'));
    const ev = (event: Parameters<typeof openPackagesReducer>[1] & { type: 'event' }) => openPackagesReducer(s, event);
    s = ev({ type: 'event', event: { type: 'node-started', packageId: 'p1', node: 'a', at: '2026-01-01T00:00:00Z' } });
    expect(s.byId.p1.dto.running).toBe(true);
    expect(s.byId.p1.dto.nodes[0].state).toBe('running');
    expect(s.byId.p2.dto.running).toBe(false);
    const progress = { percent: 40, node: 'a', nodeStartedAt: '2026-01-01T00:00:00Z', nodesDone: 0, nodesTotal: 1 };
    s = ev({ type: 'event', event: { type: 'progress', packageId: 'p1', progress } });
    expect(s.byId.p1.dto.progress).toEqual(progress);
    s = ev({ type: 'event', event: { type: 'node-finished', packageId: 'p1', node: 'a', rows: 7, durationMs: 12 } });
    expect(s.byId.p1.dto.nodes[0]).toMatchObject({ state: 'done', rows: 7, durationMs: 12 });
    s = ev({ type: 'event', event: { type: 'node-started', packageId: 'p1', node: 'b', at: '2026-01-01T00:00:01Z' } });
    s = ev({ type: 'event', event: { type: 'run-finished', packageId: 'p1', outcome: 'cancelled' } });
    expect(s.byId.p1.dto.running).toBe(false);
    expect(s.byId.p1.dto.progress).toBeUndefined();
    expect(s.byId.p1.dto.nodes.map((n) => n.state)).toEqual(['done', 'cancelled']);
  });

  it('records failures and closes a package the server closed', () => {
    let s = open(pkg('p1'));
    s = openPackagesReducer(s, {
      type: 'event',
      event: { type: 'node-failed', packageId: 'p1', node: 'b', error: 'Division by zero' },
    });
    expect(s.byId.p1.dto.nodes[1]).toMatchObject({ state: 'failed', error: 'Division by zero' });
    s = openPackagesReducer(s, {
      type: 'event',
      event: { type: 'package-closed', packageId: 'p1', byAdministrator: true },
    });
    expect(s.order).toEqual([]);
  });

  it('ignores events of packages that are not open', () => {
    const s = open(pkg('p1'));
    const after = openPackagesReducer(s, {
      type: 'event',
      event: { type: 'node-started', packageId: 'zz', node: 'a', at: '2026-01-01T00:00:00Z' },
    });
    expect(after).toBe(s);
  });

  it('counts drafts, server changes and typed text as unsaved', () => {
    expect(hasUnsavedChanges({ dto: pkg('p'), localEdits: false })).toBe(false);
    expect(hasUnsavedChanges({ dto: pkg('p', { dirty: true }), localEdits: false })).toBe(true);
    expect(hasUnsavedChanges({ dto: pkg('p'), localEdits: true })).toBe(true);
    expect(hasUnsavedChanges({ dto: pkg('p', { path: null }), localEdits: false })).toBe(true);
  });
});

describe('issues', () => {
  const doc = Text.of(['name: Hello', 'nodes:', '  - id: doubled', '    inputs: [numbrs] # typo']);

  it('marks the word at the issue column', () => {
    const range = issueRange(doc, { message: 'unknown node', line: 4, column: 14 });
    expect(range).not.toBeNull();
    expect(doc.sliceString(range!.from, range!.to)).toBe('numbrs');
  });

  it('marks the line without a column and nothing without a line', () => {
    const range = issueRange(doc, { message: 'bad', line: 3 });
    expect(doc.sliceString(range!.from, range!.to)).toBe('- id: doubled');
    expect(issueRange(doc, { message: 'no line' })).toBeNull();
    expect(issueRange(doc, { message: 'past the end', line: 99 })).toBeNull();
  });

  it('drops repeated issues and sorts by line', () => {
    const issue = { message: 'x', line: 4, column: 14, field: 'nodes[0].inputs[0]' };
    const list = distinctIssues([issue, { message: 'first', line: 1 }, { ...issue }]);
    expect(list.map((i) => i.message)).toEqual(['first', 'x']);
  });
});

describe('save as names', () => {
  it('adds .pkg.yaml when missing', () => {
    expect(withPackageSuffix('scoring')).toBe('scoring.pkg.yaml');
    expect(withPackageSuffix('scoring.yaml')).toBe('scoring.pkg.yaml');
    expect(withPackageSuffix('scoring.pkg')).toBe('scoring.pkg.yaml');
    expect(withPackageSuffix(' scoring.pkg.yaml ')).toBe('scoring.pkg.yaml');
  });

  it('refuses empty and escaping names', () => {
    expect(fileNameProblem('')).toBe('empty');
    expect(fileNameProblem('.pkg.yaml')).toBe('empty');
    expect(fileNameProblem('../x')).toBe('invalid');
    expect(fileNameProblem('a//b')).toBe('invalid');
    expect(fileNameProblem('a:b')).toBe('invalid');
    expect(fileNameProblem('sub/name')).toBeNull();
  });

  it('joins and splits storage paths', () => {
    expect(joinPath('', 'a.pkg.yaml')).toBe('a.pkg.yaml');
    expect(joinPath('lib/', 'a.pkg.yaml')).toBe('lib/a.pkg.yaml');
    expect(folderOf('lib/sub/a.pkg.yaml')).toBe('lib/sub');
    expect(folderOf('a.pkg.yaml')).toBe('');
  });
});

describe('variables', () => {
  const t = (key: string) => key;
  const vars: VariableDto[] = [
    { name: 'threshold', type: 'number', nullable: false, default: 0.5 },
    { name: 'limit', type: 'integer', nullable: false, default: 10 },
    { name: 'since', type: 'date', nullable: true, default: null },
  ];

  it('checks values by type', () => {
    expect(validateValues(vars, { threshold: 0.7, limit: 3, since: null }, t)).toEqual({});
    expect(validateValues(vars, { threshold: undefined, limit: 2.5, since: '2024-13' }, t)).toEqual({
      threshold: 'studio.vars.required',
      limit: 'studio.vars.integer',
      since: 'studio.vars.date',
    });
    expect(validateValues(vars, { threshold: 1, limit: 1, since: '2024-02-29' }, t)).toEqual({});
  });

  it('keeps typed values across edits of the package and sends null for a missing value', () => {
    const next: VariableDto[] = [
      { name: 'threshold', type: 'number', nullable: false, default: 0.5 },
      { name: 'limit', type: 'string', nullable: false, default: 'ten' },
    ];
    expect(reconcileValues({ threshold: 0.9, limit: 3, since: null }, vars, next)).toEqual({
      threshold: 0.9,
      limit: 'ten',
    });
    expect(runVariables(vars, { threshold: 0.9, limit: 3 })).toEqual({ threshold: 0.9, limit: 3, since: null });
  });
});
