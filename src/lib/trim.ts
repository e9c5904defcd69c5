/**
 * Trimming a repeated character with loops: the regexes `/\/+$/` and `/^\/+|\/+$/g` retry at every position of a
 * long run of slashes inside the text, which takes quadratic time on input a user or server controls.
 */

/** `s` without any trailing `ch`. */
export function trimTrailing(s: string, ch: string): string {
  let end = s.length
  while (end > 0 && s[end - 1] === ch) end--
  return s.slice(0, end)
}

/** `s` without any leading `ch`. */
export function trimLeading(s: string, ch: string): string {
  let start = 0
  while (start < s.length && s[start] === ch) start++
  return s.slice(start)
}

/** `s` without any leading or trailing `ch`. */
export function trimBoth(s: string, ch: string): string {
  return trimTrailing(trimLeading(s, ch), ch)
}
