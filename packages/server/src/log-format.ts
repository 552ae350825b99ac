// How a log line is written: secrets censored, the time stamped, and flat lines serialised without pino's general path.
import pino, { type Logger } from 'pino';

const CENSOR = '[redacted]';
/**
 * Keys whose values never reach the log, at the top of a line or one object below it: any key
 * naming a password, a secret, a token, a credential, an authorization or a cookie, whatever its case
 * (`newPassword`, `Authorization`, `apiToken`).
 */
const SECRET_KEY = /passw(or)?d|passphrase|pwd|secret|token|credential|authori[sz]ation|cookie/i;
const HEADER_SECRETS = ['authorization', 'cookie', 'proxy-authorization'];

/** The answer per key seen: the server's lines use few keys, and this runs for every key of every line. */
const secretKeys = new Map<string, boolean>();
const SECRET_KEYS_KEPT = 1000;
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeys.size < SECRET_KEYS_KEPT) secretKeys.set(key, secret);
  }
  return secret;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The line's object with secrets censored: keys like `password`, `token`, `csrfToken`,
 * `authorization` and `cookie` at the top, those one object below, `req.headers.authorization|cookie`. The caller's
 * objects are never changed; a line without secrets (all but a few) is passed through uncopied,
 * which is why this is not pino's path-based redaction: that one cost a third of a log line here.
 */
export function redactSecrets(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const value = obj[key];
    if (isSecretKey(key)) {
      if (value !== undefined) (out ??= { ...obj })[key] = CENSOR;
    } else if (isRecord(value)) {
      const inner = censorOneLevel(value, key === 'req');
      if (inner !== value) (out ??= { ...obj })[key] = inner;
    }
  }
  return out ?? obj;
}

function censorOneLevel(obj: Record<string, unknown>, isRequest: boolean): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    if (isSecretKey(key) && obj[key] !== undefined) (out ??= { ...obj })[key] = CENSOR;
  }
  const headers = obj.headers;
  if (isRequest && isRecord(headers) && HEADER_SECRETS.some((h) => headers[h] !== undefined)) {
    const censored = { ...headers };
    for (const h of HEADER_SECRETS) if (censored[h] !== undefined) censored[h] = CENSOR;
    (out ??= { ...obj }).headers = censored;
  }
  return out ?? obj;
}

let lastMs = -1;
let lastTime = '';
/** pino's ISO time, written once per millisecond: the lines of one call share their millisecond. */
export function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

type AsJson = (obj: Record<string, unknown>, msg: unknown, num: number, time: string) => string;
/** The parts of a pino logger this file reads, by pino's exported symbols. */
type LoggerInternals = Record<symbol, unknown>;

const S = pino.symbols;

/** `,"key":` per key seen: the keys of the server's lines are few and come back on every line. */
const keyTexts = new Map<string, string>();
const KEY_TEXTS = 1000;
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `,${JSON.stringify(key)}:`;
    if (keyTexts.size < KEY_TEXTS) keyTexts.set(key, text);
  }
  return text;
}
const own = Object.prototype.hasOwnProperty;

/** A character JSON.stringify writes escaped: a quote, a backslash, a control character, a surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** A string as JSON: most of a line's values (ids, names, paths) need no escape, and quoting them is cheaper. */
function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * A line whose values are all strings, numbers, booleans or null (every line the server writes per
 * call: session, package and Integrator lines) as one run of `JSON.stringify` over its values, the
 * same text pino writes; anything else (an error, a nested object, a serializer) goes pino's way.
 * pino's general path costs ~7 µs a line on this machine against ~1.5 µs for this one, and an
 * Integrator call writes four lines.
 */
function flatLine(
  this: LoggerInternals,
  general: AsJson,
  obj: Record<string, unknown>,
  msg: unknown,
  num: number,
  time: string,
): string {
  const formatters = this[S.formattersSym] as { log?: (o: Record<string, unknown>) => Record<string, unknown> };
  const serializers = this[S.serializersSym] as Record<string, unknown>;
  const errorKey = this[S.errorKeySym] as string;
  const line = formatters.log ? formatters.log(obj) : obj;
  let props = '';
  for (const key in line) {
    if (!own.call(line, key)) continue;
    const value = line[key];
    if (value === undefined) continue;
    if (serializers[key] || key === errorKey) return general.call(this, obj, msg, num, time);
    let text: string;
    switch (typeof value) {
      case 'string':
        text = jsonString(value);
        break;
      case 'number':
        text = Number.isFinite(value) ? String(value) : 'null';
        break;
      case 'boolean':
        text = value ? 'true' : 'false';
        break;
      default:
        if (value !== null) return general.call(this, obj, msg, num, time);
        text = 'null';
    }
    props += keyText(key) + text;
  }
  const msgText = msg === undefined ? '' : `,${JSON.stringify(this[S.messageKeySym])}:${jsonString(msg as string)}`;
  const levelPrefix = (this[S.lsCacheSym] as Record<number, string>)[num];
  return `${levelPrefix}${time}${this[S.chindingsSym] as string}${props}${msgText}${this[S.endSym] as string}`;
}

/**
 * Makes `logger` (and its children, which inherit it) write flat lines through `flatLine`. Only
 * for a logger without a nested key or stringifiers (no pino redaction): those change the text.
 */
export function useFlatLines(logger: Logger): void {
  const internals = logger as unknown as LoggerInternals;
  // Stringifiers (names, and a symbol for a wildcard) exist only with pino's redaction.
  if (internals[S.nestedKeySym] || Reflect.ownKeys((internals[S.stringifiersSym] as object | undefined) ?? {}).length)
    return;
  const general = internals[S.asJsonSym] as AsJson;
  internals[S.asJsonSym] = function (
    this: LoggerInternals,
    obj: Record<string, unknown>,
    msg: unknown,
    num: number,
    time: string,
  ) {
    if (msg !== undefined && typeof msg !== 'string') return general.call(this, obj, msg, num, time);
    return flatLine.call(this, general, obj, msg, num, time);
  };
}
