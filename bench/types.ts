/** Shared shapes of the benchmark: a case group sets up its subjects and hands back measurements. */

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

/** One run of one measurement. `value` is what the table shows, in `unit`. */
export interface Sample {
  value: number;
  unit: string;
  latency?: LatencySummary;
  errors?: number;
  /** Extra figures worth keeping in the JSON (published, undelivered, offered rate, ...). */
  extra?: Record<string, number | string>;
}

export type Subject = 'hatoba' | 'ceiling' | 'group-commit' | 'rabbitmq' | 'rabbitmq-http' | 'nats' | 'pg-boss';

export interface Measurement {
  /** Stable id, e.g. `publish.hatoba.c64`; `--only` matches a prefix of it or one of its tags. */
  id: string;
  subject: Subject;
  label: string;
  tags: string[];
  /** Set when the subject is not available: reported as skipped, never as zero. */
  skip?: string;
  run?: (rep: number) => Promise<Sample>;
}

export interface GroupSetup {
  measurements: Measurement[];
  teardown: () => Promise<void>;
  /** Facts learned while setting up (server versions and the like). */
  facts?: Record<string, string>;
  /** Figures of the group as a whole (peak RSS, fill time) for the report. */
  figures?: () => Record<string, number | string>;
}

export interface CaseGroup {
  name: string;
  title: string;
  /** Every tag any of its measurements may carry, so `--only` can skip the setup. */
  tags: string[];
  /** Whether `--quick` (CI) runs it. */
  quick: boolean;
  /** Measurement id that the table's ratio column compares against, if any. */
  reference?: string;
  setup: (ctx: BenchContext) => Promise<GroupSetup>;
}

export interface BenchContext {
  quick: boolean;
  warmupMs: number;
  durationMs: number;
  runs: number;
  /** Base URL of the PostgreSQL server; databases are created under it. */
  pgBase: string;
  scaleSize: number;
  /** Whether `--only` leaves any measurement carrying one of these tags (true without --only). */
  wants: (...tags: string[]) => boolean;
  log: (msg: string) => void;
}

export interface MeasurementResult {
  id: string;
  group: string;
  subject: Subject;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  samples: Sample[];
  median?: Sample;
}
