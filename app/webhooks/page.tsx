import type { Metadata } from 'next';
import { PageHeading } from '@/components/ui/page-heading';
import { PushSection } from '@/components/webhooks/push-section';
import { SourcesSection } from '@/components/webhooks/sources-section';

export const metadata: Metadata = { title: 'Webhooks' };

export default function WebhooksPage() {
  return (
    <>
      <PageHeading title="Webhooks" lede="Services that post webhooks into the broker, and queues pushed out to URLs." />
      <SourcesSection />
      <PushSection />
    </>
  );
}
