// The file storage as far as it was browsed: listings of folders loaded on demand and reloaded after saves.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { StorageEntry } from '@flowport/protocol';
import { studioApi } from './studio-api';

export interface StorageFolders {
  /** Loaded listings by folder path (`''` is the storage root). */
  listings: Record<string, StorageEntry[]>;
  /** Load errors by folder path. */
  errors: Record<string, string>;
  /** Loads a folder's listing unless it is loaded already. */
  load: (folder: string) => Promise<void>;
  /** Loads a folder's listing again (after a save into it) if it was loaded before, and its parents'. */
  reload: (folder: string) => Promise<void>;
  /** Loads every loaded folder again (and the root). */
  reset: () => Promise<void>;
}

/** The folder part of a storage path (`''` for a file at the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function useStorageFolders(): StorageFolders {
  const [listings, setListings] = useState<Record<string, StorageEntry[]>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const loaded = useRef(new Set<string>());

  const fetchFolder = useCallback(async (folder: string) => {
    try {
      const listing = await studioApi.listStorage(folder);
      loaded.current.add(folder);
      setListings((all) => ({ ...all, [folder]: listing.entries }));
      setErrors((all) => {
        if (!(folder in all)) return all;
        const next = { ...all };
        delete next[folder];
        return next;
      });
    } catch (e) {
      setErrors((all) => ({ ...all, [folder]: (e as Error).message }));
    }
  }, []);

  const load = useCallback(
    async (folder: string) => {
      if (!loaded.current.has(folder)) await fetchFolder(folder);
    },
    [fetchFolder],
  );

  const reload = useCallback(
    async (folder: string) => {
      // A save may have created the folder: its loaded ancestors list it then.
      const chain: string[] = [];
      for (let f = folder; ; f = folderOf(f)) {
        chain.push(f);
        if (f === '') break;
      }
      await Promise.all(chain.filter((f) => f === folder || loaded.current.has(f)).map(fetchFolder));
    },
    [fetchFolder],
  );

  const reset = useCallback(async () => {
    const folders = new Set(['', ...loaded.current]);
    await Promise.all([...folders].map(fetchFolder));
  }, [fetchFolder]);

  return useMemo(() => ({ listings, errors, load, reload, reset }), [listings, errors, load, reload, reset]);
}
