import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from './args';

describe('the bench command line', () => {
  it('has defaults for a full run and for --quick', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, selectors: [], out: undefined, runs: 3, warmupMs: 3000, durationMs: 10_000, scaleSize: 1_000_000 });
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, runs: 1, warmupMs: 500, durationMs: 2000 });
  });

  it('takes every option', () => {
    const args = parseBenchArgs(['--only', 'e2e, ceiling', '--out', '/tmp/b', '--runs', '5', '--duration', '20', '--warmup', '0', '--scale-size', '200000']);
    expect(args).toEqual({ quick: false, selectors: ['e2e', 'ceiling'], out: '/tmp/b', runs: 5, warmupMs: 0, durationMs: 20_000, scaleSize: 200_000 });
  });

  it('answers --help and -h with the usage', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
    expect(parseBenchArgs(['-h'])).toBe('help');
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--runs', 'x'], "--runs must be a whole number of at least 1, not 'x'"],
    [['--runs', '0'], "--runs must be a whole number of at least 1, not '0'"],
    [['--runs', '1.5'], "--runs must be a whole number of at least 1, not '1.5'"],
    [['--duration', ''], "--duration must be a number of at least 0.1, not ''"],
    [['--warmup=-1'], "--warmup must be a number of at least 0, not '-1'"],
    [['--scale-size', '10'], "--scale-size must be a whole number of at least 1000, not '10'"],
    [['stray'], /Unexpected argument 'stray'/],
  ])('refuses %j with a UsageError that says why', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
