import type { Metadata } from 'next';
import { QueueList } from '@/components/queues/queue-list';
import { NewQueueButton } from '@/components/queues/new-queue-dialog';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Queues' };

export default function QueuesPage() {
  return (
    <>
      <PageHeading title="Queues" lede="Depth, rates and what needs attention, live. Open a queue to browse its messages, publish a test message, purge or delete it." actions={<NewQueueButton />} />
      <QueueList />
    </>
  );
}
