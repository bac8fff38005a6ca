import { afterEach, describe, expect, it } from 'vitest';
import { membersOnPostgres } from '../../test/cluster-nodes';
import { replyQueueName } from '../broker/broker';
import { displacedQuorum } from './cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the details of a quorum lost because another process took this node id', () => {
  it('say why (node_id_taken, the id, who holds it) and that this node is not counted, not merely a count that reads as quorum met', () => {
    const clash = { kind: 'id' as const, reason: "node id 'n2' is in use by a live node", node: { id: 'n2', url: 'http://10.0.0.7:3877', token: 't', beat: 'b', silentMs: 400 } };
    const q = displacedQuorum('n2', { message: `${clash.reason} (http://10.0.0.7:3877) that registered while this one was silent: this node counts itself out`, clash }, 2, 1);
    expect(q.ok).toBe(false);
    expect(q.reason).toContain('this node counts itself out');
    expect(q.details).toEqual({ reason: 'node_id_taken', nodeId: 'n2', takenBy: { id: 'n2', url: 'http://10.0.0.7:3877' }, alive: 2, required: 1, countsSelf: false });
  });

  it('name a clash on the reply queue as such', () => {
    const clash = { kind: 'reply_queue' as const, reason: "node id 'web/1' would share reply queue", node: { id: 'web-1', url: 'http://h:1', token: 't', beat: 'b', silentMs: 0 } };
    expect(displacedQuorum('web/1', { message: clash.reason, clash }, 1, 1).details).toMatchObject({ reason: 'reply_queue_taken', nodeId: 'web/1', takenBy: { id: 'web-1' } });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a node silent past its liveness window whose id was taken meanwhile, on postgres', () => {
  const members = membersOnPostgres({ replyQueue: replyQueueName });
  const node = members.member;
  afterEach(() => members.close());

  it('reports quorum lost with details that agree with its reason', async () => {
    await members.open();
    const other = node('n1');
    await other.start('http://127.0.0.1/n1');
    const frozen = node('n2', { heartbeatMs: 60_000 }); // heartbeats only when the test ticks it
    await frozen.start('http://127.0.0.1/n2/1');
    await sleep(1100); // dead to the cluster
    const successor = node('n2');
    await successor.start('http://127.0.0.1/n2/2');
    await frozen.tick(); // it wakes up
    const q = frozen.quorum();
    expect(q).toMatchObject({ ok: false, reason: expect.stringContaining("node id 'n2' is in use by a live node") });
    expect(q.details).toEqual({ reason: 'node_id_taken', nodeId: 'n2', takenBy: { id: 'n2', url: 'http://127.0.0.1/n2/2' }, alive: 2, required: 1, countsSelf: false });
  });
});
