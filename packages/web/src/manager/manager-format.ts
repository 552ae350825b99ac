// Time formats of the Session Manager in the current language: to the second, the date left out for today.
import { useMemo } from 'react';
import { useI18n } from '../components/i18n';

export interface ManagerFormat {
  /** Time of day for today, otherwise date and time; '' for no time. */
  time: (iso: string | null | undefined) => string;
  /** Date and time to the second; '' for no time. */
  dateTime: (iso: string | null | undefined) => string;
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
  };
}

export function useManagerFormat(): ManagerFormat {
  const { locale } = useI18n();
  return useMemo(() => makeFormat(locale), [locale]);
}
