import { describe, expect, it, vi } from 'vitest';
import { rememberFocus } from './focus-return';

describe('rememberFocus', () => {
  it('gives focus back to the button that opened the dialog', () => {
    const button = { isConnected: true, focus: vi.fn() };
    const restore = rememberFocus({ activeElement: button, body: {} });
    restore();
    expect(button.focus).toHaveBeenCalledOnce();
  });

  it('does nothing when the opener left the page (its row was replayed) or focus was on the body', () => {
    const gone = { isConnected: false, focus: vi.fn() };
    rememberFocus({ activeElement: gone, body: {} })();
    expect(gone.focus).not.toHaveBeenCalled();
    const body = { isConnected: true, focus: vi.fn() };
    rememberFocus({ activeElement: body, body })();
    expect(body.focus).not.toHaveBeenCalled();
    expect(() => rememberFocus({ activeElement: null, body: {} })()).not.toThrow();
  });
});
