// The page's hot keys: Alt+F5 refreshes, Ctrl+F (Cmd+F) opens the search, Delete closes the selection.
import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  refresh: () => void;
  search: () => void;
  close: () => void;
  /** False while a dialog is open: the keys are left to it. */
  enabled: boolean;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

export function useManagerShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const h = ref.current;
      if (!h.enabled) return;
      if (e.key === 'F5' && e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        h.refresh();
      } else if ((e.key === 'f' || e.key === 'F') && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        h.search();
      } else if (e.key === 'Delete' && !e.altKey && !e.ctrlKey && !e.metaKey && !isEditable(e.target)) {
        e.preventDefault();
        h.close();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
