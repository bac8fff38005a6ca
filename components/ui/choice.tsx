import { useId, type ReactNode } from 'react';

/**
 * One radio of a `.choices` fieldset with a line under it on what it means. The line is the
 * radio's description, not part of its label, so a screen reader (and a test) names the choice
 * by its few words and reads the line after.
 */
export function Choice({ group, value, checked, onChange, label, hint }: { group: string; value: string; checked: boolean; onChange: () => void; label: ReactNode; hint: ReactNode }) {
  const id = useId();
  return (
    <div className="choice">
      <input id={id} type="radio" name={group} value={value} checked={checked} onChange={onChange} aria-describedby={`${id}-hint`} />
      <label htmlFor={id}>{label}</label>
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
    </div>
  );
}
