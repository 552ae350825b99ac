// Formats of the Session Manager in the current language: times to the second (no date for today), durations, sizes.
import { useMemo } from 'react';
import { useI18n } from '../components/i18n';

export interface ManagerFormat {
  /** Time of day for today, otherwise date and time; '' for no time. */
  time: (iso: string | null | undefined) => string;
  /** Date and time to the second; '' for no time. */
  dateTime: (iso: string | null | undefined) => string;
  /** An elapsed time as m:ss or h:mm:ss (hours past 24 go on counting). */
  duration: (ms: number) => string;
  /** Bytes in human units (B, KB, MB, GB, TB; 1 KB = 1024 B) in the current language. */
  bytes: (bytes: number) => string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

function bytesFormat(locale: string) {
  const formats = UNITS.map(
    (unit) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }),
  );
  return (bytes: number) => {
    let value = Math.max(0, bytes);
    let at = 0;
    while (value >= 1024 && at < UNITS.length - 1) {
      value /= 1024;
      at += 1;
    }
    if (at > 0) return formats[at].format(value);
    // English ICU spells the short byte out ("0 byte") beside "2.2 MB": the symbol, as the other units have.
    return formats[0].format(Math.round(value)).replace(/ bytes?$/, ' B');
  };
}

export function makeFormat(locale: string): ManagerFormat {
  const timeOnly = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
  const dayOf = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
  const parse = (iso: string | null | undefined) => {
    if (!iso) return null;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  return {
    time(iso) {
      const d = parse(iso);
      if (!d) return iso ?? '';
      return dayOf(d) === dayOf(new Date()) ? timeOnly.format(d) : full.format(d);
    },
    dateTime(iso) {
      const d = parse(iso);
      return d ? full.format(d) : (iso ?? '');
    },
    duration: formatDuration,
    bytes: bytesFormat(locale),
  };
}

export function useManagerFormat(): ManagerFormat {
  const { locale } = useI18n();
  return useMemo(() => makeFormat(locale), [locale]);
}
