import type { Metadata } from 'next';
import { QueueDetail } from '@/components/queues/queue-detail';
import { routeParam } from '@/components/ui/format';

export async function generateMetadata({ params }: PageProps<'/queues/[name]'>): Promise<Metadata> {
  return { title: `Queue ${routeParam((await params).name)}` };
}

export default async function QueuePage({ params }: PageProps<'/queues/[name]'>) {
  const name = routeParam((await params).name);
  return <QueueDetail name={name} />;
}
