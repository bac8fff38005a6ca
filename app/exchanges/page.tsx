import type { Metadata } from 'next';
import { ExchangeList } from '@/components/exchanges/exchange-list';
import { NewExchangeButton } from '@/components/exchanges/new-exchange-dialog';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Exchanges' };

export default function ExchangesPage() {
  return (
    <>
      <PageHeading title="Exchanges" lede="Type, bindings and publish rate, live. Open an exchange to see where its bindings send messages, bind queues, and publish one with a routing key." actions={<NewExchangeButton />} />
      <ExchangeList />
    </>
  );
}
