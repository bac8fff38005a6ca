import { parseArgs } from 'node:util';

export const USAGE = `npm run bench [-- options]

  --quick              CI smoke run: Hatoba only, 1 run of 2 s, no peers, no scale case
  --only a,b           case groups, tags or id prefixes (e2e, ceiling, peers.nats, e2e.hatoba.rate5000)
  --out DIR            where RESULTS.md and results.json go (default bench/, or bench/out/quick/)
  --runs N             runs per measurement (default 3; 1 with --quick)
  --duration S         seconds measured per run (default 10; 2 with --quick)
  --warmup S           seconds of warm-up before each run (default 3; 0.5 with --quick)
  --scale-size N       ready entries in the scale case's deep queue (default 1000000)
  --help               this text`;

export class UsageError extends Error {}

export interface BenchArgs {
  quick: boolean;
  selectors: string[];
  out?: string;
  runs: number;
  warmupMs: number;
  durationMs: number;
  scaleSize: number;
}

/** The command line of bench/run.ts; `'help'` for --help; a UsageError says what is wrong with it. */
export function parseBenchArgs(argv: string[]): BenchArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        runs: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        'scale-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const quick = values.quick!;
  const number = (name: string, text: string | undefined, fallback: number, o: { whole?: boolean; min: number }) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < o.min || (o.whole && !Number.isInteger(n))) {
      throw new UsageError(`--${name} must be ${o.whole ? 'a whole number' : 'a number'} of at least ${o.min}, not '${text}'`);
    }
    return n;
  };
  return {
    quick,
    selectors: (values.only ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    out: values.out,
    runs: number('runs', values.runs, quick ? 1 : 3, { whole: true, min: 1 }),
    warmupMs: number('warmup', values.warmup, quick ? 0.5 : 3, { min: 0 }) * 1000,
    durationMs: number('duration', values.duration, quick ? 2 : 10, { min: 0.1 }) * 1000,
    scaleSize: number('scale-size', values['scale-size'], 1_000_000, { whole: true, min: 1000 }),
  };
}
