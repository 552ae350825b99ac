// The YAML of one open package: loaded from the server, edits sent back (debounced) so the server validates
// them and answers the issues with their lines, and flushed before a run or a save.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PackageDto, PackageIssue } from '@flowport/protocol';
import { ApiError } from '../api/http-client';
import { studioApi } from './studio-api';

export const EDIT_DEBOUNCE_MS = 600;

export interface PackageSource {
  /** The text to show at (re)load; null while loading. */
  initialText: string | null;
  /** Changes on every (re)load: the editor's key. */
  generation: number;
  loadError: string | null;
  /** Typed text the server has not taken yet. */
  pending: boolean;
  /** Issues of text the server refused outright (422): it still holds the previous text. */
  refusedIssues: PackageIssue[] | null;
  /** An error of the last send other than validation. */
  sendError: string | null;
  /** The issues of the server's answer to the last send, if any send was answered since the load. */
  latestIssues: () => PackageIssue[] | null;
  edit: (text: string) => void;
  /** Sends the pending text now; true when the server holds the editor's text afterwards. */
  flush: () => Promise<boolean>;
  reload: () => void;
}

interface Options {
  sid: string;
  pid: string;
  running: boolean;
  readOnly: boolean;
  onDto: (dto: PackageDto) => void;
  onPending: (pending: boolean) => void;
}

function issuesOf(e: ApiError): PackageIssue[] {
  const raw = e.details?.issues;
  if (!Array.isArray(raw)) return [{ message: e.message }];
  return raw.filter((i): i is PackageIssue => typeof i === 'object' && i !== null && typeof i.message === 'string');
}

export function usePackageSource({ sid, pid, running, readOnly, onDto, onPending }: Options): PackageSource {
  const [initialText, setInitialText] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pending, setPendingState] = useState(false);
  const [refusedIssues, setRefusedIssues] = useState<PackageIssue[] | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);

  const typed = useRef<string | null>(null);
  const accepted = useRef<string | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const answeredIssues = useRef<PackageIssue[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const state = useRef({ running, readOnly, onDto, onPending });
  state.current = { running, readOnly, onDto, onPending };

  const setPending = useCallback((value: boolean) => {
    setPendingState(value);
    state.current.onPending(value);
  }, []);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const { yaml } = await studioApi.getSource(sid, pid);
      typed.current = yaml;
      accepted.current = yaml;
      answeredIssues.current = null;
      setInitialText(yaml);
      setGeneration((g) => g + 1);
      setRefusedIssues(null);
      setPending(false);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [sid, pid, setPending]);

  useEffect(() => {
    void load();
    return () => clearTimeout(timer.current);
  }, [load]);

  /** One PUT of the current text (or of what is typed meanwhile, in turn). */
  const send = useCallback((): Promise<boolean> => {
    if (inFlight.current) return inFlight.current.then(() => send());
    const text = typed.current;
    if (text === null || text === accepted.current) return Promise.resolve(true);
    if (state.current.readOnly) return Promise.resolve(false);
    // The server refuses edits during a run; the text goes as soon as the run ends.
    if (state.current.running) return Promise.resolve(false);
    const attempt = (async () => {
      try {
        const dto = await studioApi.putSource(sid, pid, text);
        accepted.current = text;
        answeredIssues.current = dto.issues;
        setRefusedIssues(null);
        setSendError(null);
        state.current.onDto(dto);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'PACKAGE_INVALID') setRefusedIssues(issuesOf(e));
        else if (!(e instanceof ApiError && e.code === 'ALREADY_RUNNING')) setSendError((e as Error).message);
        return false;
      } finally {
        inFlight.current = null;
        setPending(typed.current !== accepted.current);
      }
    })();
    inFlight.current = attempt;
    return attempt.then((ok) => (ok && typed.current !== accepted.current ? send() : ok));
  }, [sid, pid, setPending]);

  const edit = useCallback(
    (text: string) => {
      typed.current = text;
      setPending(text !== accepted.current);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void send(), EDIT_DEBOUNCE_MS);
    },
    [send, setPending],
  );

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    const ok = await send();
    return ok && typed.current === accepted.current;
  }, [send]);

  // Edits typed just before a run started go out when it ends.
  useEffect(() => {
    if (!running && typed.current !== accepted.current) void send();
  }, [running, send]);

  const reload = useCallback(() => void load(), [load]);
  const latestIssues = useCallback(() => answeredIssues.current, []);

  return { initialText, generation, loadError, pending, refusedIssues, sendError, latestIssues, edit, flush, reload };
}
