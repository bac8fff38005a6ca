import type { Metadata } from 'next';
import { TopologyView } from '@/components/topology/topology-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Topology' };

export default function TopologyPage() {
  return (
    <>
      <PageHeading title="Topology" lede="Exchanges, their bindings and queues, with live depth. Red borders mark deep queues and dead letters." />
      <TopologyView />
    </>
  );
}
