import type { Metadata } from 'next';
import { ExchangeList } from '@/components/exchanges/exchange-list';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Exchanges' };

export default function ExchangesPage() {
  return (
    <>
      <PageHeading title="Exchanges" lede="Type, bindings and publish rate, live. Open an exchange to see where its bindings send messages and to publish one with a routing key." />
      <ExchangeList />
    </>
  );
}
