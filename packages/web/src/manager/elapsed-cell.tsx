// Cells of the Running for and Idle for columns (ticking once a second) and of the Memory column.
import type { ManagerFormat } from './manager-format';
import { formatDuration } from './manager-format';
import { timeMs } from './row-sort';
import { useNow } from './use-clock';

export function Elapsed({ since, className }: { since: string | number; className?: string }) {
  const now = useNow();
  const start = timeMs(since);
  if (start === null) return null;
  return (
    <span className={className} data-since={start}>
      {formatDuration(now - start)}
    </span>
  );
}

export function MemoryCell({ bytes, format }: { bytes: number | undefined; format: ManagerFormat }) {
  if (bytes === undefined) return null;
  return (
    <span className="fp-memory" data-bytes={bytes}>
      {format.bytes(bytes)}
    </span>
  );
}
