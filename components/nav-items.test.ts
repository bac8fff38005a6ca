import { describe, expect, it } from 'vitest';
import { isActive, NAV_ITEMS } from './nav-items';

describe('NAV_ITEMS', () => {
  it('lists Exchanges right after Topology, each section once', () => {
    const labels = NAV_ITEMS.map((i) => i.label);
    expect(labels.indexOf('Exchanges')).toBe(labels.indexOf('Topology') + 1);
    expect(NAV_ITEMS.find((i) => i.label === 'Exchanges')?.href).toBe('/exchanges');
    expect(new Set(NAV_ITEMS.map((i) => i.href)).size).toBe(NAV_ITEMS.length);
  });

  it('lists Webhooks, at /webhooks', () => {
    expect(NAV_ITEMS.find((i) => i.label === 'Webhooks')?.href).toBe('/webhooks');
    expect(isActive('/webhooks', '/webhooks')).toBe(true);
  });

  it('keeps a section highlighted on its own pages only', () => {
    expect(isActive('/exchanges', '/exchanges/orders')).toBe(true);
    expect(isActive('/exchanges', '/exchanges')).toBe(true);
    expect(isActive('/queues', '/exchanges/orders')).toBe(false);
    expect(isActive('/', '/exchanges')).toBe(false);
  });
});
