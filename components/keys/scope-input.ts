/** The scopes a key may hold, for the form's hints; the server validates (server/auth/scopes.ts). */
export const FIXED_SCOPES = ['admin', 'manage', 'monitoring'] as const;

/** Scopes typed as a list separated by commas, spaces or new lines; duplicates dropped, order kept. */
export function parseScopeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Problems the form can tell before asking the server (which checks the same and more). */
export function scopeListProblems(scopes: string[]): string[] {
  if (scopes.length === 0) return ['Give the key at least one scope.'];
  return scopes
    .filter((s) => !(FIXED_SCOPES as readonly string[]).includes(s) && !/^(publish|consume):.+$/.test(s))
    .map((s) => `'${s}' is not a scope: use publish:<exchange pattern>, consume:<queue pattern>, manage, monitoring or admin.`);
}
