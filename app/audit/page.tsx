import type { Metadata } from 'next';
import { Suspense } from 'react';
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
      {/* The filter and page come from the URL (shareable), read in the browser. */}
      <Suspense fallback={<p className="muted">Loading the audit log…</p>}>
        <AuditView />
      </Suspense>
    </>
  );
}
