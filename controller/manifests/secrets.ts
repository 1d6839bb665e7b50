// `${VAR}` in a stream URL is replaced by the controller's environment variable VAR, so that
// passwords live in the environment (a systemd credential, a Kubernetes Secret) and never in
// the manifest. Only stream URLs are resolved: nothing else in a Camera is secret.

import { queryCredentials, urlPassword } from '../../lib/redact.js';

const ANY_REFERENCE = /\$\{([^}]*)\}?/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Environment = Readonly<Record<string, string | undefined>>;

export type Resolution = { ok: true; value: string; secrets: string[] } | { ok: false; message: string };


function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % that is not an escape: the password is what was written
  }
}

/**
 * Resolves every ${VAR} in `text`. The values substituted, and the URL's password, are returned
 * as secrets: the worker redacts them from everything it prints (ffmpeg echoes its URL).
 */
export function resolveReferences(text: string, environment: Environment): Resolution {
  const secrets: string[] = [];
  const problems: string[] = [];
  const value = text.replace(ANY_REFERENCE, (whole: string, name: string) => {
    if (!whole.endsWith('}') || !VARIABLE_NAME.test(name)) {
      problems.push(`malformed reference ${whole}: write \${NAME} with a name of letters, digits and _`);
      return whole;
    }
    const resolved = environment[name];
    if (resolved === undefined) {
      problems.push(`environment variable ${name} is not set in the controller's environment`);
      return whole;
    }
    secrets.push(resolved);
    return resolved;
  });
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  const password = urlPassword(value);
  for (const credential of [...(password !== undefined ? [password] : []), ...queryCredentials(value)]) {
    secrets.push(credential, decodedOrAsIs(credential));
  }
  return { ok: true, value, secrets: [...new Set(secrets.filter((s) => s !== ''))] };
}
