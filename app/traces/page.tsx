import type { Metadata } from 'next';
import { RecentTraces, TraceSearch } from '@/components/traces/trace-search';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Traces' };

export default function TracesPage() {
  return (
    <>
      <PageHeading title="Traces" lede="Follow one correlation ID through every exchange and queue: deliveries, retries, failures, dead letters, replays and replies." />
      <section className="section" aria-label="Find a trace">
        <TraceSearch />
      </section>
      <section className="section">
        <RecentTraces />
      </section>
    </>
  );
}
