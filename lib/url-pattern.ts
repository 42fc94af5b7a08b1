import { CacheOptionsError } from './errors.js';

/** A compiled `urlTtl` glob. */
export interface UrlPattern {
  readonly glob: string;
  matches(url: string): boolean;
}

const EXPECTED = "a URL glob like 'api.example.com/users/*' or '*.example.com/static/*' (`*` matches any characters; no spaces, brackets or braces; optional http:// or https://)";

/**
 * Compiles a glob matched against a URL without its scheme (`host[:port]/path?query`), like
 * requests-cache's `urls_expire_after`: `*` matches any run of characters, and a pattern matches
 * every URL it is a prefix of (`api.example.com` covers `api.example.com/users`). Host matching is
 * case-insensitive because URLs are normalised to a lowercase host before matching.
 */
export function compileUrlPattern(option: string, glob: string): UrlPattern {
  let rest = glob.replace(/^https?:\/\//i, '');
  if (rest.length === 0 || /[\s[\]{}]/.test(rest) || /^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw new CacheOptionsError(option, EXPECTED, glob);
  }
  const slash = rest.indexOf('/');
  rest = slash === -1 ? rest.toLowerCase() : rest.slice(0, slash).toLowerCase() + rest.slice(slash);
  const source = rest
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}`);
  return {
    glob,
    matches: (url) => regex.test(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')),
  };
}
