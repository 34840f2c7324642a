import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RpcError, RpcSession } from '../../src/ovsdb/index.js';
import { createLogger } from '../../src/runtime/log.js';
import { recorded } from './recorded.js';

interface Pair {
  session: RpcSession;
  /** The raw peer socket (plays ovsdb-server). */
  peer: net.Socket;
  /** What the peer received, as text. */
  received(): string;
  notifications: [string, readonly unknown[]][];
  closed: string[];
  logs: { level: number; msg: string }[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function pair(opts: { probeIntervalMs?: number } = {}): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-session-'));
  const path = join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect(path);
  await new Promise<void>((r) => client.once('connect', r));
  const peer = await accepted;
  let text = '';
  peer.on('data', (d) => {
    text += d.toString();
  });
  peer.on('error', () => undefined);
  const logs: { level: number; msg: string }[] = [];
  const log = createLogger({
    level: 'debug',
    pretty: false,
    stream: { write: (l: string) => void logs.push(JSON.parse(l)) },
  });
  const notifications: [string, readonly unknown[]][] = [];
  const closed: string[] = [];
  const session = new RpcSession(
    client,
    {
      notification: (m, p) => notifications.push([m, p]),
      closed: (r) => closed.push(r),
    },
    { log, probeIntervalMs: opts.probeIntervalMs ?? 0 },
  );
  cleanups.push(() => {
    session.close('test over');
    peer.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { session, peer, received: () => text, notifications, closed, logs };
}

describe('JSON-RPC session', () => {
  test('answers the recorded requests by id, in any order, values back to back', async () => {
    const p = await pair();
    const answers = recorded('requests-session').find((c) => c.dir === 'in')!.data;
    const list = p.session.request('list_dbs', []);
    const echo = p.session.request('echo', ['ofctl-ts']);
    const select = p.session.request('transact', []);
    const bogus = p.session.request('bogus', []);
    const mutate = p.session.request('transact', []);
    await vi.waitFor(() => expect(p.received()).toContain('"method":"bogus"'));
    p.peer.write(answers.slice(0, 50));
    p.peer.write(answers.slice(50));
    await expect(list).resolves.toEqual(['Open_vSwitch', '_Server']);
    await expect(echo).resolves.toEqual(['ofctl-ts']);
    await expect(select).resolves.toEqual([
      { rows: [{ name: 'br-eth1', datapath_id: '0000000000000011' }] },
    ]);
    // ovsdb-server answers an unknown method with an error and no "result".
    await expect(bogus).rejects.toThrow(new RpcError('bogus', 'unknown method'));
    await expect(mutate).resolves.toEqual([{ count: 1 }, { rows: [] }]);
    expect(p.closed).toEqual([]);
  });

  test("answers the server's echo with its params, and passes notifications on", async () => {
    const p = await pair();
    p.peer.write(
      '{"id":"echo","method":"echo","params":[]}{"id":null,"method":"update","params":[null,{}]}',
    );
    await vi.waitFor(() => expect(p.received()).toBe('{"id":"echo","result":[],"error":null}'));
    expect(p.notifications).toEqual([['update', [null, {}]]]);
  });

  test('malformed JSON closes the session with one log line; pending requests fail', async () => {
    const p = await pair();
    const pending = p.session.request('list_dbs', []);
    p.peer.write('{"id":1,"result":[]');
    p.peer.write(',,}');
    await expect(pending).rejects.toThrow(/session closed: malformed input: invalid JSON/);
    expect(p.closed).toHaveLength(1);
    expect(p.logs.filter((l) => l.level >= 40)).toHaveLength(1);
    await vi.waitFor(() => expect(p.peer.destroyed || p.peer.readableEnded).toBe(true));
  });

  test('not JSON-RPC, or an answer to nothing we asked: closed, logged', async () => {
    for (const bad of ['[1,2]', '{"id":7,"result":[],"error":null}', '{"method":3,"params":[]}']) {
      const p = await pair();
      p.peer.write(bad);
      await vi.waitFor(() => expect(p.closed).toHaveLength(1));
      expect(p.closed[0]).toMatch(/^malformed input: /);
      expect(p.logs.filter((l) => l.level >= 40)).toHaveLength(1);
    }
  });

  test('a silent peer gets our echo, then is dropped', async () => {
    const p = await pair({ probeIntervalMs: 100 });
    await vi.waitFor(() => expect(p.received()).toContain('"method":"echo"'), { timeout: 2000 });
    await vi.waitFor(() => expect(p.closed[0]).toMatch(/^no answer to echo/), { timeout: 2000 });
  });

  test('a peer that answers our echo stays', async () => {
    const p = await pair({ probeIntervalMs: 100 });
    const timer = setInterval(() => p.peer.write('{"id":"echo","result":[],"error":null}'), 40);
    cleanups.push(() => clearInterval(timer));
    await new Promise((r) => setTimeout(r, 500));
    expect(p.closed).toEqual([]);
  });
});
