// The value rules of `flowport batch --var NAME=VALUE` (as BATCH_HELP tells the user): explicit forms first, then boolean, integer, number, date, string.

export type BatchValueType = 'null' | 'boolean' | 'integer' | 'number' | 'date' | 'string';

export interface BatchValue {
  type: BatchValueType;
  /** What is sent as JSON; dates stay ISO 8601 text. */
  value: null | boolean | number | string;
}

const NUMBER_WITH_POINT = /^[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function realDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** An ISO 8601 calendar date (YYYY-MM-DD), checked to exist. */
function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  return !!m && realDate(m[1], m[2], m[3]);
}

/** An ISO 8601 date and time; the server keeps its date part for a date variable. */
function isIsoDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m || !realDate(m[1], m[2], m[3])) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && (m[6] === undefined || Number(m[6]) < 60);
}

/**
 * Reads one command-line value:
 *  1. `null`; a number written with `.`; an ISO 8601 date; `true` / `false`; a `'quoted string'` (taken literally);
 *  2. otherwise tried in turn as boolean (any letter case), integer, number, date (and date-time), and string.
 */
export function parseBatchValue(text: string): BatchValue {
  if (text === 'null') return { type: 'null', value: null };
  if (NUMBER_WITH_POINT.test(text)) return { type: 'number', value: Number(text) };
  if (isIsoDate(text)) return { type: 'date', value: text };
  if (text === 'true' || text === 'false') return { type: 'boolean', value: text === 'true' };
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'"))
    return { type: 'string', value: text.slice(1, -1) };

  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return { type: 'boolean', value: lower === 'true' };
  if (INTEGER.test(text) && Number.isSafeInteger(Number(text))) return { type: 'integer', value: Number(text) };
  if (NUMBER.test(text) && Number.isFinite(Number(text))) return { type: 'number', value: Number(text) };
  if (isIsoDateTime(text)) return { type: 'date', value: text };
  return { type: 'string', value: text };
}

export class BatchValueError extends Error {
  override name = 'BatchValueError';
}

/** `NAME=VALUE` pairs into variables; a missing `=`, a bad name or a name given twice is refused. */
export function parseVariableAssignments(pairs: readonly string[]): Record<string, BatchValue['value']> {
  const out: Record<string, BatchValue['value']> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 0) throw new BatchValueError(`--var "${pair}" is not NAME=VALUE`);
    const name = pair.slice(0, i).trim();
    if (!NAME.test(name))
      throw new BatchValueError(`--var "${pair}": "${name}" is not a variable name (letters, digits, _)`);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new BatchValueError(`--var ${name} is given twice`);
    out[name] = parseBatchValue(pair.slice(i + 1)).value;
  }
  return out;
}
