// The package's YAML in CodeMirror 6: syntax highlighting, and the validation issues marked at their lines.
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, StateEffect, StateField, type Text } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import type { PackageIssue } from '@flowport/protocol';

export interface YamlEditorHandle {
  /** Puts the cursor at a line (1-based) and scrolls it into view. */
  goToLine: (line: number, column?: number) => void;
  focus: () => void;
}

export interface YamlEditorProps {
  /** The text at creation; later changes come from typing (re-mount the editor to load another text). */
  initialText: string;
  readOnly: boolean;
  issues: readonly PackageIssue[];
  ariaLabel: string;
  onChange: (text: string) => void;
  /** Ctrl+S / Cmd+S in the editor. */
  onSave?: () => void;
  ref?: Ref<YamlEditorHandle>;
}

/** Where an issue points in the text: from its column to the end of the word there (or the line). */
export function issueRange(doc: Text, issue: PackageIssue): { from: number; to: number } | null {
  if (!issue.line || issue.line < 1 || issue.line > doc.lines) return null;
  const line = doc.line(issue.line);
  const indent = /^\s*/.exec(line.text)?.[0].length ?? 0;
  if (!issue.column || issue.column < 1) return { from: line.from + indent, to: line.to };
  const from = Math.min(line.from + issue.column - 1, line.to);
  const word = /^[^\s,\]}]+/.exec(line.text.slice(from - line.from));
  const to = word ? from + word[0].length : line.to;
  return to > from ? { from, to } : { from: line.from + indent, to: line.to };
}

const setIssueLines = StateEffect.define<number[]>();

/** A line decoration on every line with an issue: tinted, and `data-issue-line` for tools and tests. */
const issueLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(lines, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setIssueLines)) continue;
      const doc = tr.state.doc;
      const ranges = [...new Set(effect.value)]
        .filter((n) => n >= 1 && n <= doc.lines)
        .sort((a, b) => a - b)
        .map((n) =>
          Decoration.line({ class: 'fp-issue-line', attributes: { 'data-issue-line': String(n) } }).range(
            doc.line(n).from,
          ),
        );
      return Decoration.set(ranges);
    }
    return lines.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', border: '1px solid #d9d9d9', borderRadius: '6px' },
  '&.cm-focused': { outline: '2px solid #91caff' },
  '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
  '.fp-issue-line': { backgroundColor: '#fff1f0' },
});

function readOnlyExtensions(readOnly: boolean) {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    EditorView.contentAttributes.of({ 'aria-readonly': String(readOnly) }),
  ];
}

export function YamlEditor({ initialText, readOnly, issues, ariaLabel, onChange, onSave, ref }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const readOnlyCompartment = useRef(new Compartment());
  const labelCompartment = useRef(new Compartment());
  const callbacks = useRef({ onChange, onSave });
  callbacks.current = { onChange, onSave };

  useEffect(() => {
    if (!host.current) return;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                callbacks.current.onSave?.();
                return true;
              },
            },
          ]),
          basicSetup,
          yaml(),
          lintGutter(),
          issueLines,
          theme,
          EditorView.lineWrapping,
          EditorState.tabSize.of(2),
          readOnlyCompartment.current.of(readOnlyExtensions(readOnly)),
          labelCompartment.current.of(EditorView.contentAttributes.of({ 'aria-label': ariaLabel })),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    // The editor is created once; the props below are applied by their own effects.
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: readOnlyCompartment.current.reconfigure(readOnlyExtensions(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({
      effects: labelCompartment.current.reconfigure(EditorView.contentAttributes.of({ 'aria-label': ariaLabel })),
    });
  }, [ariaLabel]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const diagnostics: Diagnostic[] = [];
    const lines: number[] = [];
    for (const issue of issues) {
      const range = issueRange(doc, issue);
      if (!range) continue;
      lines.push(issue.line!);
      diagnostics.push({
        ...range,
        severity: 'error',
        source: issue.field,
        message: issue.field ? `${issue.message} (${issue.field})` : issue.message,
      });
    }
    v.dispatch(setDiagnostics(v.state, diagnostics));
    v.dispatch({ effects: setIssueLines.of(lines) });
  }, [issues]);

  useImperativeHandle(
    ref,
    () => ({
      goToLine(lineNumber, column) {
        const v = view.current;
        if (!v) return;
        const doc = v.state.doc;
        const line = doc.line(Math.min(Math.max(1, lineNumber), doc.lines));
        const anchor = Math.min(line.from + Math.max(0, (column ?? 1) - 1), line.to);
        v.dispatch({ selection: { anchor }, scrollIntoView: true });
        v.focus();
      },
      focus: () => view.current?.focus(),
    }),
    [],
  );

  return <div ref={host} style={{ height: '100%', minHeight: 240 }} data-testid="yaml-editor" />;
}
