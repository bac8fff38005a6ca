import type { Metadata } from 'next';
import { NodesView } from '@/components/nodes/nodes-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Nodes' };

export default function NodesPage() {
  return (
    <>
      <PageHeading title="Nodes" lede="The Hatoba processes serving this broker." />
      <NodesView />
    </>
  );
}
