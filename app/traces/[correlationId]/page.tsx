import type { Metadata } from 'next';
import Link from 'next/link';
import { TraceView } from '@/components/traces/trace-view';
import { PageHeading } from '@/components/ui/page-heading';
import { routeParam } from '@/components/ui/format';

export async function generateMetadata({ params }: PageProps<'/traces/[correlationId]'>): Promise<Metadata> {
  return { title: `Trace ${routeParam((await params).correlationId)}` };
}

export default async function TracePage({ params }: PageProps<'/traces/[correlationId]'>) {
  const correlationId = routeParam((await params).correlationId);
  return (
    <>
      <PageHeading eyebrow={<Link href="/traces">Traces</Link>} title={<span className="mono" style={{ fontSize: '1.25rem' }}>{correlationId}</span>} />
      <TraceView correlationId={correlationId} />
    </>
  );
}
