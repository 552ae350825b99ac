// LISTEN on the state channel over a connection of its own, reconnecting after a loss (then every cache is read again: notices were missed).
import pg from 'pg';
import type { StateChanges } from '../shared-state';
import { CHANNEL, type Notice } from './pg-database';

/** What the listener tells: the changes, entries appended to the audit log and package files' records (by whom). */
export interface HeardChanges extends StateChanges {
  audit(id: number, from: string): void;
  packageFile(path: string, from: string): void;
  /** Announcements were missed (the connection was lost): every package file record is read again. */
  packageFilesMissed(): void;
}

const RECONNECT_MS = 1000;

export class ChangeListener {
  private client: pg.Client | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the LISTEN connection is up (readiness reports it). */
  connected = false;

  constructor(
    private readonly url: string,
    private readonly changes: HeardChanges,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'flowport-listen' });
    client.on('notification', (msg) => this.dispatch(msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.connected = true;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    if (this.closed) return;
    if (err) this.changes.error(err);
    this.retry();
  }

  private retry(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connect().then(
        () => {
          // Whatever was announced while the connection was down is read afresh.
          this.changes.users();
          this.changes.parameters();
          this.changes.packageFilesMissed();
        },
        (err: unknown) => {
          this.changes.error(err);
          this.retry();
        },
      );
    }, RECONNECT_MS);
    this.timer.unref();
  }

  private dispatch(payload: string | undefined): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload ?? '') as Notice;
    } catch (err) {
      this.changes.error(err);
      return;
    }
    if (notice.kind === 'users') this.changes.users();
    else if (notice.kind === 'parameters') this.changes.parameters();
    else if (notice.kind === 'login-ended') this.changes.loginEnded(notice.tokenHash);
    else if (notice.kind === 'audit') this.changes.audit(notice.id, notice.from);
    else if (notice.kind === 'package-file') this.changes.packageFile(notice.path, notice.from);
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    await c?.end().catch(() => {});
  }
}
