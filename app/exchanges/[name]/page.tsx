import type { Metadata } from 'next';
import { ExchangeDetail } from '@/components/exchanges/exchange-detail';
import { routeParam } from '@/components/ui/format';

export async function generateMetadata({ params }: PageProps<'/exchanges/[name]'>): Promise<Metadata> {
  return { title: `Exchange ${routeParam((await params).name)}` };
}

export default async function ExchangePage({ params }: PageProps<'/exchanges/[name]'>) {
  const name = routeParam((await params).name);
  return <ExchangeDetail name={name} />;
}
