import safeRegex from 'safe-regex2';

/**
 * Write-time screening of `regex` condition patterns, so SDK evaluation stays linear: the pattern
 * must compile (with and without `i`), must not use back-references or look-around, and must pass
 * safe-regex2's star-height check (no nested quantifiers). Patterns safe-regex2 cannot parse are
 * rejected too: when in doubt, refuse.
 */

/** Back-references (`\1`..`\9`, `\k<name>`) or look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) outside a class. */
function findBacktrackingSyntax(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && ((next >= '1' && next <= '9') || next === 'k')) return 'uses a back-reference';
      i++; // the escaped character is never syntax
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(' && pattern[i + 1] === '?') {
      const kind = pattern[i + 2];
      const lookbehind = kind === '<' && (pattern[i + 3] === '=' || pattern[i + 3] === '!');
      if (kind === '=' || kind === '!' || lookbehind) return 'uses look-around';
    }
  }
  return undefined;
}

/** Why `pattern` may not be stored, or `undefined` when it is acceptable. */
export function regexPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    new RegExp(pattern, 'i');
  } catch {
    return 'is not a valid regular expression';
  }
  const syntax = findBacktrackingSyntax(pattern);
  if (syntax !== undefined) return syntax;
  if (!safeRegex(pattern)) return 'may backtrack catastrophically (nested or too many quantifiers)';
  return undefined;
}
