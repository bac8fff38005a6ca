import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatRate, formatTimestamp, shortId, zoneLabel } from './format';

describe('format', () => {
  it('formats counts and rates', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.001)).toBe('<0.01/s');
    expect(formatRate(2.5)).toBe('2.5/s');
    expect(formatRate(3)).toBe('3/s');
    expect(formatRate(1234.4)).toBe('1,234/s');
  });

  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 60_000 + 5000)).toBe('3 min');
    expect(formatDuration(5 * 3600_000 + 10 * 60_000)).toBe('5 h 10 min');
    expect(formatDuration(2 * 86_400_000)).toBe('2 d');
  });

  it('formats bytes and ids', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(shortId('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe('…2e3f4a5b');
  });
});

describe('timestamps say their zone', () => {
  it('names the offset from UTC, east positive, with minutes only when there are some', () => {
    expect(zoneLabel(0)).toBe('UTC');
    expect(zoneLabel(-60)).toBe('UTC+1');
    expect(zoneLabel(-330)).toBe('UTC+5:30');
    expect(zoneLabel(-345)).toBe('UTC+5:45');
    expect(zoneLabel(480)).toBe('UTC−8');
    expect(zoneLabel(210)).toBe('UTC−3:30');
  });

  it('prints local date and time with the local zone, and leaves what is not a date as it came', () => {
    const at = new Date(2025, 0, 2, 14, 3, 7);
    expect(formatTimestamp(at)).toBe(`2025-01-02 14:03:07 ${zoneLabel(at.getTimezoneOffset())}`);
    expect(formatTimestamp(at.toISOString())).toBe(formatTimestamp(at));
    expect(formatTimestamp('not a date')).toBe('not a date');
  });
});
