// Small formatting and path helpers of the Studio: durations, result cells, package file names.
import { useMemo } from 'react';
import { useI18n, type Translate } from '../components/i18n';

export const PACKAGE_SUFFIX = '.pkg.yaml';

/** A duration for people: `850 ms`, `12.4 s`, `3 min 5 s`. */
export function formatDuration(ms: number, t: Translate, locale: string): string {
  if (ms < 1000) return `${Math.round(ms)} ${t('studio.unit.ms')}`;
  if (ms < 60_000) {
    const s = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 1000);
    return `${s} ${t('studio.unit.s')}`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} ${t('studio.unit.min')} ${seconds} ${t('studio.unit.s')}`;
}

/** Formatters bound to the current language. */
export function useStudioFormat() {
  const { t, locale } = useI18n();
  return useMemo(() => {
    const integer = new Intl.NumberFormat(locale);
    return {
      duration: (ms: number) => formatDuration(ms, t, locale),
      count: (n: number) => integer.format(n),
    };
  }, [t, locale]);
}

/** A result cell as text: JSON for objects and lists, `null` for a missing value. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The file name with `.pkg.yaml` added when it is missing. */
export function withPackageSuffix(name: string): string {
  const trimmed = name.trim();
  if (trimmed.endsWith(PACKAGE_SUFFIX)) return trimmed;
  return trimmed.replace(/\.ya?ml$/i, '').replace(/\.pkg$/i, '') + PACKAGE_SUFFIX;
}

/** A storage path from a folder (`''` for the root) and a file name. */
export function joinPath(folder: string, name: string): string {
  const f = folder.replace(/^\/+|\/+$/g, '');
  const n = name.replace(/^\/+/, '');
  return f ? `${f}/${n}` : n;
}

/** Why a file name cannot be saved to, or null when it can. */
export function fileNameProblem(name: string): 'empty' | 'invalid' | null {
  const trimmed = name.trim();
  if (!trimmed || trimmed === PACKAGE_SUFFIX) return 'empty';
  if (trimmed.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'invalid';
  if (/[\\:*?"<>|]/.test(trimmed) || [...trimmed].some((c) => c.charCodeAt(0) < 32)) return 'invalid';
  return null;
}

/** The file name of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
