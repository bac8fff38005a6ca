import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queueDeclarationSchema } from './queue-settings';
import { issuesOf, issuesText, readablePath } from './validation-issues';

describe('validation issues', () => {
  const schema = z.object({ messages: z.array(z.object({ delayMs: z.number().int().min(0).optional() }).strict()) }).strict();

  it('name where each failure is, dotted in details and readable in the message', () => {
    const r = schema.safeParse({ messages: [{}, { delayMs: -1 }, { delayMs: 1, x: 1 }] });
    expect(r.success).toBe(false);
    const issues = issuesOf(r.error!);
    expect(issues.map((i) => i.path)).toEqual(['messages.1.delayMs', 'messages.2.x']);
    expect(issuesText(issues)).toMatch(/^messages\[1\]\.delayMs: .*>=0.*; messages\[2\]\.x: Unrecognized key/);
  });

  it('writes indexes in brackets, a whole-value failure without a path', () => {
    expect(readablePath('messages.12.headers.a1')).toBe('messages[12].headers.a1');
    expect(readablePath('0.name')).toBe('[0].name');
    expect(issuesText([{ path: '', message: 'Expected object' }])).toBe('Expected object');
  });

  it('says one limit for a number past two bounds of a field (a safe integer, the field\'s own maximum)', () => {
    const r = queueDeclarationSchema.safeParse({ messageTtlMs: 1e20, maxDeliveries: -5 });
    expect(r.success).toBe(false);
    const text = issuesText(issuesOf(r.error!));
    expect(text).toMatch(/^maxDeliveries: .*>=1; messageTtlMs: Too big: expected number to be <=31536000000$/);
    expect(text).not.toContain('9007199254740991');
  });
});
