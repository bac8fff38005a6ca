import { describe, expect, it, vi } from 'vitest';
import { focusFirst, rememberFocus, type Focusable } from './focus-return';

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

/** A page whose focus() moves activeElement, as a browser's does, except on a disabled control. */
function page() {
  const body = { isConnected: true, focus: () => {} };
  const doc: { activeElement: Focusable | null; body: unknown } = { activeElement: body, body };
  const element = ({ connected = true, disabled = false } = {}) => {
    const el: Focusable = { isConnected: connected, focus: vi.fn(() => void (!disabled && (doc.activeElement = el))) };
    return el;
  };
  return { doc, body, element };
}

describe('focusFirst', () => {
  it('focuses the first target still on the page', () => {
    const { doc, element } = page();
    const gone = element({ connected: false });
    const notice = element();
    const heading = element();
    expect(focusFirst(null, gone, notice, heading)).toBe(notice);
    expect(doc.activeElement).toBe(notice);
    expect(gone.focus).not.toHaveBeenCalled();
    expect(heading.focus).not.toHaveBeenCalled();
  });

  it('does nothing when none is on the page', () => {
    const { doc, body, element } = page();
    expect(focusFirst(undefined, element({ connected: false }))).toBeNull();
    expect(doc.activeElement).toBe(body);
  });

  it('after an edited dead letter is replayed, leaves focus on the notice that says so, not on the body', () => {
    const { doc, body, element } = page();
    // The row's Edit… button opened the dialog; it is disabled while the replay is pending, and its row goes once the list refreshes.
    const edit = element({ disabled: true });
    doc.activeElement = edit;
    const restore = rememberFocus(doc);
    // The dialog had focus; on success it is unmounted, and its restore cannot focus the disabled opener.
    doc.activeElement = body;
    restore();
    expect(doc.activeElement).toBe(body);
    // Then the panel's effect moves focus to the replay's notice.
    const notice = element();
    focusFirst(notice);
    expect(doc.activeElement).toBe(notice);
  });
});
