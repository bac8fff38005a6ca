import type { Db } from '../../db/driver';
import type { Logger } from './broker';
import { READY_CHANNEL, parseReadyPayload } from './pg/notify';
import { TOPOLOGY_CHANNEL, type TopologyStore } from './topology';
import type { Waiters } from './waiters';

/**
 * What a node hears from the others: a topology change (reload it) and a publish that made
 * entries ready (wake the long polls on those queues). After a lost listening connection, what
 * was announced meanwhile was missed: the topology is reloaded and every long poll woken to look
 * again. Returns the ways to stop listening.
 */
export async function listenToOtherNodes(o: {
  db: Db;
  node: string;
  topology: TopologyStore;
  waiters: Waiters;
  log: Logger;
}): Promise<(() => Promise<void>)[]> {
  const reload = () => void o.topology.load().catch((e) => o.log.error({ err: e }, 'topology reload failed'));
  return [
    await o.db.listen(
      TOPOLOGY_CHANNEL,
      (payload) => {
        if (!o.topology.madeHere(payload)) reload();
      },
      reload,
    ),
    await o.db.listen(
      READY_CHANNEL,
      (payload) => {
        const { node: from, queues } = parseReadyPayload(payload);
        if (from !== o.node) o.waiters.wake(queues);
      },
      () => {
        o.log.info({}, 'notifications resumed after a lost connection; waking every long poll');
        o.waiters.wakeAll();
      },
    ),
  ];
}
