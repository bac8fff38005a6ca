/**
 * A form's validation problems, announced to screen readers; nothing when there are none. The
 * alert role is on a wrapper: on the <ul> itself it would replace the list role, and its items
 * would be list items outside any list (axe: "listitem").
 */
export function FieldErrors({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert">
      <ul className="field-errors">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
