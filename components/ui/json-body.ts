/**
 * The check a body typed in the console passes before it is sent with a JSON content type (the
 * queue page's test publish, a dead letter's edit before replay): a body that is not JSON would
 * be stored as text under that type, and the consumers that parse it would fail on it.
 */

/** application/json or any `+json` type (application/cloudevents+json), parameters ignored. */
export function isJsonContentType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** What is wrong with sending `text` as `contentType`, or null when nothing is. */
export function jsonBodyProblem(text: string, contentType: string): string | null {
  if (!isJsonContentType(contentType)) return null;
  try {
    JSON.parse(text);
    return null;
  } catch {
    return 'The body is not valid JSON: fix it or choose text/plain';
  }
}
