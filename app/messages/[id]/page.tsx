import type { Metadata } from 'next';
import Link from 'next/link';
import { MessageDetail } from '@/components/messages/message-detail';
import { routeParam } from '@/components/ui/format';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Message' };

export default async function MessagePage({ params }: PageProps<'/messages/[id]'>) {
  const id = routeParam((await params).id);
  return (
    <>
      <PageHeading eyebrow={<Link href="/messages">Messages</Link>} title={<span className="mono" style={{ fontSize: '1.25rem' }}>{id}</span>} />
      <MessageDetail id={id} />
    </>
  );
}
