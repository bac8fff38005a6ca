import type { Metadata } from 'next';
import { AuditView } from '@/components/audit/audit-view';
import { PageHeading } from '@/components/ui/page-heading';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <>
      <PageHeading
        title="Audit log"
        lede="Operator actions from the HTTP API and this console: who did what to what, when, and from which address."
      />
      <AuditView />
    </>
  );
}
