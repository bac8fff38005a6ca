import type { Metadata } from 'next';
import { Suspense } from 'react';
import { HistoryView } from '@/components/history/history-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'History' };

export default function HistoryPage() {
  return (
    <>
      <PageHeading title="History" lede="What each exchange carried over time, per routing key, from the message store; and replay of a time range into a queue." />
      <Suspense fallback={<p className="muted">Loading history…</p>}>
        <HistoryView />
      </Suspense>
    </>
  );
}
