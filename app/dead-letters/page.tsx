import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DeadLetters } from '@/components/dead-letters/dead-letters';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Dead letters' };

export default function DeadLettersPage() {
  return (
    <>
      <PageHeading
        title="Dead letters"
        lede="Messages that failed for good: why, after how many attempts, and with what error. Replay them to their queue, edited if needed, or discard them."
      />
      {/* The selected queue and filter come from the URL (shareable), read in the browser. */}
      <Suspense fallback={<p className="muted">Loading dead-letter queues…</p>}>
        <DeadLetters />
      </Suspense>
    </>
  );
}
