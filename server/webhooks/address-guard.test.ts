import { describe, expect, it } from 'vitest';
import { AllowListError, checkAddress, classifyAddress, emptyAllowList, parseAllowList } from './address-guard';

// A pure function over address strings: nothing here resolves or connects.
describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'link_local'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.255', 'carrier_grade_nat'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'], // NAT64 of 127.0.0.1
    ['2002:7f00:1::', 'reserved'], // 6to4 of 127.0.0.1
    ['2001::1', 'reserved'], // Teredo
    ['::7f00:1', 'reserved'], // IPv4-compatible ::127.0.0.1
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['not-an-ip', 'invalid'],
    ['', 'invalid'],
  ])('%s is %s', (address, range) => {
    expect(classifyAddress(address).range).toBe(range);
  });

  it('canonicalises IPv4-mapped IPv6 to the IPv4 address it maps', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toEqual({ address: '127.0.0.1', range: 'loopback' });
    expect(classifyAddress('::ffff:7f00:1')).toEqual({ address: '127.0.0.1', range: 'loopback' });
    expect(classifyAddress('[::ffff:169.254.169.254]')).toEqual({ address: '169.254.169.254', range: 'link_local' });
    expect(classifyAddress('::ffff:10.1.2.3').range).toBe('private');
    expect(classifyAddress('::ffff:8.8.8.8')).toEqual({ address: '8.8.8.8', range: 'public' });
  });

  it('reads the other IPv4 spellings as the address they name', () => {
    expect(classifyAddress('2130706433')).toEqual({ address: '127.0.0.1', range: 'loopback' });
    expect(classifyAddress('0x7f.1')).toEqual({ address: '127.0.0.1', range: 'loopback' });
  });
});

describe('checkAddress with an allow list', () => {
  it('refuses every special range without an allow list, and allows public unicast', () => {
    const none = emptyAllowList();
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '169.254.169.254', 'fe80::1', '100.64.0.1', 'fd00::1', '224.0.0.1', '0.0.0.0', '255.255.255.255']) {
      expect(checkAddress(a, none, 'example.com').allowed, a).toBe(false);
    }
    expect(checkAddress('8.8.8.8', none, 'example.com').allowed).toBe(true);
    expect(checkAddress('garbage', none).allowed).toBe(false);
  });

  it('allows a CIDR or a single address, also in its IPv4-mapped spelling', () => {
    const allow = parseAllowList('10.1.0.0/16, 127.0.0.1');
    expect(checkAddress('10.1.2.3', allow).allowed).toBe(true);
    expect(checkAddress('10.2.0.1', allow).allowed).toBe(false);
    expect(checkAddress('127.0.0.1', allow).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', allow).allowed).toBe(true);
    expect(checkAddress('127.0.0.2', allow).allowed).toBe(false);
    expect(checkAddress('::1', allow).allowed).toBe(false);
    expect(checkAddress('::1', parseAllowList('::1')).allowed).toBe(true);
    expect(checkAddress('fd00::5', parseAllowList('fd00::/8')).allowed).toBe(true);
  });

  it('allows any address of an allowed host name, and only through that name', () => {
    const allow = parseAllowList('LocalHost,hooks.internal.');
    expect(checkAddress('127.0.0.1', allow, 'localhost').allowed).toBe(true);
    expect(checkAddress('10.0.0.7', allow, 'hooks.internal').allowed).toBe(true);
    expect(checkAddress('127.0.0.1', allow, 'evil.example').allowed).toBe(false);
    expect(checkAddress('127.0.0.1', allow).allowed).toBe(false);
  });

  it('refuses entries that are not host names, addresses or ranges', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(AllowListError);
    expect(() => parseAllowList('http://x/')).toThrow(AllowListError);
    expect(parseAllowList(' , ').hosts.size).toBe(0);
  });
});
