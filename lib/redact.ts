// Passwords never leave the process that holds them: every URL shown to a person (API, CLI,
// events, logs, metrics) goes through redactUrl, and every text from ffmpeg, which echoes
// the URL it was given, goes through redactText.

const REDACTED = '***';

// scheme://user:password@host — the password is everything between the first ':' after '//'
// and the last '@' before the path, so passwords holding '@' or ':' are covered too.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^/\s]*@/gi;

// Cameras that take credentials in the query (Foscam's `?usr=admin&pwd=…`, tokens of cloud
// relays): the value of every parameter with a credential's name. Not `key` or `auth`, whose
// values (`key=1`) are too often settings, and would be blotted out of every log line as secrets.
const CREDENTIAL_PARAMETER = /([?&;](?:password|passwd|pwd|pass|token|access_token|apikey|api_key|secret|signature)=)([^&#\s]*)/gi;

export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, `$1:${REDACTED}@`).replace(CREDENTIAL_PARAMETER, `$1${REDACTED}`);
}

/** The password part of a URL's user information, if any: what redactUrl hides there. */
export function urlPassword(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^/\s]*)@/i.exec(url);
  return match?.[1] || undefined;
}

/** The values of the credential parameters in a URL's query (`pwd=…`, `token=…`), as written. */
export function queryCredentials(url: string): string[] {
  return [...url.matchAll(CREDENTIAL_PARAMETER)].map((match) => match[2] ?? '').filter((value) => value !== '');
}

/** Redacts URL passwords and every known secret value (also percent-encoded) in free text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = redactUrl(text);
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      result = result.split(form).join(REDACTED);
    }
  }
  return result;
}
