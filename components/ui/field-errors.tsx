/** A form's validation problems, announced to screen readers; nothing when there are none. */
export function FieldErrors({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-errors" role="alert">
      {problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}
