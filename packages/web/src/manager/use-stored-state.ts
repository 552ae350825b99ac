// React state remembered in localStorage (columns, sort, "Resolve names by IP", the panels), validated on read.
import { useCallback, useState } from 'react';

export const STORAGE_KEYS = {
  hiddenColumns: 'flowport.manager.hiddenColumns',
  resolveNames: 'flowport.manager.resolveNames',
  auditOpen: 'flowport.manager.auditOpen',
  executionsOpen: 'flowport.manager.executionsOpen',
  sort: 'flowport.manager.sort',
  columnWidths: 'flowport.manager.columnWidths',
  serverPanelOpen: 'flowport.manager.serverPanelOpen',
} as const;

function read<T>(key: string, fallback: T, valid: (value: unknown) => value is T): T {
  try {
    const text = localStorage.getItem(key);
    if (text === null) return fallback;
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

export function useStoredState<T>(
  key: string,
  fallback: T,
  valid: (value: unknown) => value is T,
): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => read(key, fallback, valid));
  const set = useCallback(
    (next: T | ((previous: T) => T)) => {
      setValue((previous) => {
        const value = typeof next === 'function' ? (next as (previous: T) => T)(previous) : next;
        try {
          localStorage.setItem(key, JSON.stringify(value));
        } catch {
          // storage disabled: the choice lasts until reload
        }
        return value;
      });
    },
    [key],
  );
  return [value, set];
}

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');
