import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TopologyView } from '@/components/topology/topology-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Topology' };

export default function TopologyPage() {
  return (
    <>
      <PageHeading title="Topology" lede="Exchanges, their bindings and queues, with live depth. The key above the graph says what the marks on a queue mean." />
      {/* The search and the toggles come from the URL (shareable, kept on reload), read in the browser. */}
      <Suspense fallback={<p className="muted">Loading the topology…</p>}>
        <TopologyView />
      </Suspense>
    </>
  );
}
