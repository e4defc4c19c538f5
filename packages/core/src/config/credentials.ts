import { formatPath } from '../errors.js';

/** `scheme://user[:password]@host...`: what a URL with credentials in it looks like. */
const USERINFO = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s]*)@/i;

/** How Argo CD takes a git repository's credentials instead of a URL carrying them. */
export const ARGOCD_REPOSITORY_SECRET =
  'give Argo CD the credentials as a repository Secret instead: a Secret in the argocd namespace labelled argocd.argoproj.io/secret-type: repository, with keys url, username and password (or repo-creds, for every repository under a URL prefix)';

/**
 * Why a URL with credentials in it cannot be in the config, or undefined for a URL without (or for a value that is
 * not a URL). Everything in stack.yaml ends up in git (charts/, cluster/), so a token in a URL would be published.
 * An SSH user name alone (`ssh://git@github.com/...`) is no secret and stays allowed.
 */
export function urlCredentialsProblem(value: string, repository = false): string | undefined {
  const m = USERINFO.exec(value.trim());
  if (!m) return undefined;
  const scheme = (m[1] as string).toLowerCase();
  const userinfo = m[2] as string;
  if ((scheme === 'ssh' || scheme === 'git+ssh') && !userinfo.includes(':')) return undefined;
  const redacted = `${scheme}://***@${value.trim().slice(m[0].length)}`;
  return `contains credentials before the "@" (${redacted}); they would be committed to git with the generated files. Remove them from the URL and ${repository ? ARGOCD_REPOSITORY_SECRET : 'put them in a Kubernetes Secret that the chart reads'}`;
}

/**
 * Every string in the validated config (free-form `values` included) that is a URL with credentials in it, by key
 * path. Walks without recursion, so any depth is safe.
 */
export function credentialProblems(config: unknown): { path: PropertyKey[]; message: string }[] {
  const found: { path: PropertyKey[]; message: string }[] = [];
  const stack: [unknown, PropertyKey[]][] = [[config, []]];
  while (stack.length) {
    const [value, path] = stack.pop() as [unknown, PropertyKey[]];
    if (typeof value === 'string') {
      const problem = urlCredentialsProblem(value, formatPath(path) === 'source.repoURL');
      if (problem) found.push({ path, message: problem });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push([v, [...path, i]]);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push([v, [...path, k]]);
    }
  }
  return found.reverse();
}
