import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <div className="page-heading">
      <h1>Not found</h1>
      <p className="lede">Nothing lives at this address. Check it for a typo, or start again from the overview.</p>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </div>
  );
}
