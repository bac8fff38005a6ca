import { describe, expect, it } from 'vitest';
import { depthLevel } from './graph-layout';
import { MARK_CLASS, MARK_WORDS, queueMark } from './topology-marks';

describe('queueMark', () => {
  it('marks deep, waiting and empty queues by their depth level', () => {
    expect(queueMark({ depth: 474, level: depthLevel(474, 474), dlq: false })).toBe('deep');
    expect(queueMark({ depth: 6, level: depthLevel(6, 474), dlq: false })).toBe('waiting');
    expect(queueMark({ depth: 0, level: depthLevel(0, 474), dlq: false })).toBe(null);
  });

  it('marks a dead-letter queue only when it holds dead letters, whatever its level', () => {
    expect(queueMark({ depth: 121, level: 'high', dlq: true })).toBe('dead');
    expect(queueMark({ depth: 3, level: 'low', dlq: true })).toBe('dead');
    expect(queueMark({ depth: 0, level: 'empty', dlq: true })).toBe(null);
  });

  it('has a class and legend words for every mark', () => {
    for (const mark of ['deep', 'waiting', 'dead'] as const) {
      expect(MARK_CLASS[mark]).toMatch(/^topo-node--/);
      expect(MARK_WORDS[mark].length).toBeGreaterThan(10);
    }
  });
});
