// The live feed follows the core and sends the core's delta frames: the path the Session Manager's page gets.
import type { ManagerLiveFrame } from '@flowport/protocol';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { makeKit } from '../../test/support/core-kit';
import { ManagerFeed } from './manager-feed';

/** Just enough of a WebSocket for the feed: what it sent, and a buffer that never fills. */
function fakeSocket() {
  const sent: ManagerLiveFrame[] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    on: () => socket,
    send: (text: string) => void sent.push(JSON.parse(text) as ManagerLiveFrame),
    close: () => undefined,
  };
  return { socket: socket as unknown as WebSocket, sent };
}

describe('ManagerFeed over the core', () => {
  it("sends the core's own delta for what changed since the last flush, decorated per client", () => {
    const k = makeKit({ files: { 'a.pkg.yaml': [] } });
    const feed = new ManagerFeed(k.core, 60_000);
    const plain = fakeSocket();
    const named = fakeSocket();
    feed.attach(plain.socket, (s) => s);
    feed.attach(named.socket, (s) => ({ ...s, hostName: 'ws-1' }));
    expect(plain.sent.map((f) => f.type)).toEqual(['snapshot']);

    const sid = k.session();
    const other = k.session('bob');
    k.core.closeSession(other, 'client');
    feed.flush();
    const expected = k.core.delta({ sessions: [sid, other], shared: [], pool: false });
    expect(plain.sent[1]).toEqual({ ...expected, serverTime: expect.any(String) });
    expect(plain.sent[1]).toMatchObject({ removeSessions: [other], upsertSessions: [{ id: sid }] });
    expect(named.sent[1]).toMatchObject({ upsertSessions: [{ id: sid, hostName: 'ws-1' }] });

    // Closed: the core's later changes reach nobody.
    feed.close();
    k.session('carl');
    feed.flush();
    expect(plain.sent).toHaveLength(2);
  });

  it('includes the pool only when it changed', async () => {
    const k = makeKit({ files: { 'a.pkg.yaml': [] } });
    const feed = new ManagerFeed(k.core, 60_000);
    const c = fakeSocket();
    feed.attach(c.socket, (s) => s);
    const lease = await k.core.checkout('a.pkg.yaml', k.session('svc', ['batch']));
    feed.flush();
    expect(c.sent[1]).toMatchObject({ type: 'delta', pool: { items: [{ id: lease.id, checkedOut: true }] } });
    k.session('bob');
    feed.flush();
    expect(c.sent[2]).not.toHaveProperty('pool');
    feed.close();
  });
});
