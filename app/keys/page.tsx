import type { Metadata } from 'next';
import { KeysView } from '@/components/keys/keys-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'API keys' };

export default function KeysPage() {
  return (
    <>
      <PageHeading
        title="API keys"
        lede="Keys for services that call the HTTP API, each with the scopes it needs. A key is shown once, when it is made; with auth on, revoking one refuses it at once."
      />
      <KeysView />
    </>
  );
}
