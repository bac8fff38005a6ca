import { describe, expect, it } from 'vitest';
import { declareNameProblem, keyProblem } from './declare-name';

describe('declareNameProblem', () => {
  it('takes names the broker takes', () => {
    expect(declareNameProblem('queue', 'orders.v2:eu-west_1')).toBeNull();
    expect(declareNameProblem('exchange', 'a'.repeat(200))).toBeNull();
  });

  it('says what is wrong with the obvious mistakes', () => {
    expect(declareNameProblem('queue', '')).toBe('Give the queue a name');
    expect(declareNameProblem('exchange', 'has space')).toMatch(/^The exchange name can only have 1–200 characters/);
    expect(declareNameProblem('queue', 'a'.repeat(201))).toMatch(/1–200 characters/);
    expect(declareNameProblem('queue', '..')).toMatch(/path segment/);
    expect(declareNameProblem('exchange', 'amq.topic')).toBe("Names starting with 'amq.' are reserved for the broker");
  });
});

describe('keyProblem', () => {
  it('takes keys and patterns, refuses white space and over-long keys', () => {
    expect(keyProblem('binding key', 'order.*.#')).toBeNull();
    expect(keyProblem('binding key', '')).toBeNull();
    expect(keyProblem('routing key', 'order created')).toMatch(/^The routing key has white space/);
    expect(keyProblem('binding key', 'k'.repeat(256))).toBe('The binding key is longer than 255 characters');
  });

  it('refuses what the broker refuses and no more: a lone surrogate, but not a whole emoji', () => {
    expect(keyProblem('routing key', 'order.\ud83d')).toMatch(/lone UTF-16 surrogate/);
    expect(keyProblem('routing key', 'order.\ud83d\udce6')).toBeNull();
  });
});
