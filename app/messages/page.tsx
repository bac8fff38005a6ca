import type { Metadata } from 'next';
import { Suspense } from 'react';
import { MessageSearch } from '@/components/messages/message-search';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Messages' };

export default function MessagesPage() {
  return (
    <>
      <PageHeading title="Messages" lede="Find stored messages by correlation ID, message ID, routing key, header value or time, and read them." />
      <Suspense fallback={<p className="muted">Loading the search…</p>}>
        <MessageSearch />
      </Suspense>
    </>
  );
}
