/**
 * The regex language the server accepts, as syntax: the part of ECMAScript (without the `u` flag)
 * that linear-time engines such as RE2 can express and that mainstream engines read the same way.
 * Literals, `.`, `^`, `$`, classes `[...]` / `[^...]`, the escapes `\d \D \w \W \s \S \b \B \t \n
 * \r \f \v \xHH \uHHHH` and escaped punctuation, groups `(...)` / `(?:...)`, `|`, and the
 * quantifiers `* + ? {n} {n,} {n,m}` (optionally lazy). Refused: back-references, look-around,
 * named groups, `\p`, `\c`, `\0`, other letter escapes (`\z`, `\Q`, `\A` mean something else in
 * other engines), `[` inside a class (a POSIX class elsewhere), `[]` / `[^]`, a `{` or `}` that is
 * not part of a quantifier, counts over {@link MAX_REPEAT} (also as a product of nested counts),
 * and a count above 1 on something that can match the empty string (`(a?){30}`, `(?:a|b?){30}`):
 * ECMAScript's empty-iteration check does not prune those iterations, so they backtrack
 * exponentially in the count, which recheck's analysis (in the input length) does not see.
 *
 * {@link parseRegex} also returns the pattern as {@link RegexAnalysis.overApproximation}: every
 * counted repetition widened to an unbounded one (`x{2,5}` → `x{2}x*` for a single character,
 * `(?:…){3}` → `(?:…)+` for a group), so that a quantity bounded by a count — invisible to an
 * analysis in the input length — is analysed as unbounded (`a{0,30}a{0,30}b` is `a*a*b`, cubic).
 * Widening is not an over-approximation of the cost in every case (a loop can absorb what a fixed
 * count cannot: `(?:[ab]|[^b]){2}.*$` is quadratic, `(?:[ab]|[^b])+.*$` is not), so
 * regex-safety.ts has recheck analyse both the pattern and its widened form.
 */

/** Largest repetition count, also as the product of nested counts (RE2's limit for one count). */
export const MAX_REPEAT = 1000;

/**
 * Largest number of ways through the pattern's choices ({@link choicePaths}) for a pattern that can
 * start anywhere. recheck measures growth with the input length, so it calls star-free ambiguity
 * such as `a?a?a?…aaa` or `(?:a|a)(?:a|a)…` constant, yet a backtracking engine may try every
 * combination at every start position: on 1,024 characters in V8 (2-core Xeon), `a?` × 6 then
 * `a` × 6 (64 ways) takes ~0.24 ms, × 8 (256 ways) ~0.6 ms, × 10 (1,024) ~20 ms.
 */
export const MAX_CHOICE_PATHS = 32;

/**
 * The same for a pattern anchored at the start (every alternative begins with `^`): it is tried at
 * one position only (elsewhere `^` fails at once), so 4,096 ways take ~0.01 ms.
 */
export const MAX_CHOICE_PATHS_ANCHORED = 4096;

type RegexNode =
  | { kind: 'char'; source: string }
  | { kind: 'assertion'; source: string }
  | { kind: 'group'; alternatives: RegexNode[][] }
  | { kind: 'repeat'; atom: RegexNode; min: number; max: number; counted: boolean; source: string };

/** The result of {@link parseRegex}: why the pattern is refused, or what to analyse. */
export type RegexAnalysis = { problem: string } | { problem?: undefined; overApproximation: string };

const CLASS_ESCAPES = 'dDwWsS';
const CONTROL_ESCAPES = 'tnrfv';
/** Punctuation that may be escaped to stand for itself (ECMAScript's SyntaxCharacter, `/` and `-`). */
const ESCAPABLE = '^$\\.*+?()[]{}|/-';
const HEX = /^[0-9a-fA-F]+$/;

class Refused extends Error {}

class Parser {
  index = 0;
  constructor(readonly pattern: string) {}

  refuse(problem: string): never {
    throw new Refused(problem);
  }

  /** Length of the escape at `index` (a backslash). */
  escapeLength(index: number, inClass: boolean): number {
    const next = this.pattern[index + 1] ?? '';
    if (next !== '' && (CLASS_ESCAPES + CONTROL_ESCAPES + ESCAPABLE).includes(next)) return 2;
    if (!inClass && (next === 'b' || next === 'B')) return 2;
    const hexDigits = next === 'x' ? 2 : next === 'u' ? 4 : 0;
    const digits = this.pattern.slice(index + 2, index + 2 + hexDigits);
    if (hexDigits > 0 && digits.length === hexDigits && HEX.test(digits)) return 2 + hexDigits;
    if (next >= '0' && next <= '9' && (inClass || next === '0'))
      this.refuse(`uses the octal escape \\${next} (write \\x0${next})`);
    if ((next >= '1' && next <= '9') || next === 'k') this.refuse('uses a back-reference');
    return this.refuse(`uses the escape \\${next}, which regex engines read differently`);
  }

  /** The class at `index` (a `[`), as one character atom. */
  readClass(): RegexNode {
    const start = this.index;
    let i = start + 1;
    if (this.pattern[i] === '^') i++;
    if (this.pattern[i] === ']') this.refuse('has an empty class [] or [^] (other engines read ] there as a literal)');
    let previousWasClassEscape = false;
    while (i < this.pattern.length && this.pattern[i] !== ']') {
      const char = this.pattern[i];
      if (char === '[') this.refuse('has an unescaped [ inside a class (write \\[)');
      if (char === '-' && previousWasClassEscape && this.pattern[i + 1] !== ']') {
        this.refuse('has a range from a class escape such as [\\d-z]');
      }
      if (char === '\\') {
        const isClassEscape = CLASS_ESCAPES.includes(this.pattern[i + 1] ?? '-');
        if (isClassEscape && this.pattern[i - 1] === '-' && i - 1 > start + 1) {
          this.refuse('has a range to a class escape such as [a-\\d]');
        }
        i += this.escapeLength(i, true);
        previousWasClassEscape = isClassEscape;
        continue;
      }
      previousWasClassEscape = false;
      i++;
    }
    this.index = i + 1;
    return { kind: 'char', source: this.pattern.slice(start, i + 1) };
  }

  atom(): RegexNode {
    const { pattern } = this;
    const char = pattern[this.index] ?? '';
    const start = this.index;
    if (char === '\\') {
      this.index += this.escapeLength(start, false);
      const source = pattern.slice(start, this.index);
      return { kind: source === '\\b' || source === '\\B' ? 'assertion' : 'char', source };
    }
    if (char === '[') return this.readClass();
    if (char === '(') {
      if (pattern[start + 1] === '?') {
        if (pattern[start + 2] !== ':') {
          const named = pattern[start + 2] === '<' && pattern[start + 3] !== '=' && pattern[start + 3] !== '!';
          this.refuse(named ? 'uses a named group' : 'uses look-around');
        }
        this.index += 3;
      } else {
        this.index++;
      }
      const alternatives = this.alternatives();
      if (pattern[this.index] !== ')') this.refuse('is not a valid regular expression');
      this.index++;
      return { kind: 'group', alternatives };
    }
    if (char === '{') this.refuse('has a { that is not a quantifier (write \\{)');
    if (char === '}') this.refuse('has a } that is not part of a quantifier (write \\})');
    this.index++;
    return { kind: char === '^' || char === '$' ? 'assertion' : 'char', source: char };
  }

  /** The atom at `index` with its quantifier, if any. */
  term(): RegexNode {
    const atom = this.atom();
    const start = this.index;
    const char = this.pattern[start];
    let min: number;
    let max: number;
    let counted = false;
    if (char === '*' || char === '+' || char === '?') {
      [min, max] = char === '*' ? [0, Infinity] : char === '+' ? [1, Infinity] : [0, 1];
      this.index++;
    } else if (char === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(start));
      if (!match) this.refuse('has a { that is not a quantifier (write \\{)');
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      counted = true;
      this.index += match[0].length;
    } else {
      return atom;
    }
    if (this.pattern[this.index] === '?') this.index++;
    const node: RegexNode = { kind: 'repeat', atom, min, max, counted, source: this.pattern.slice(start, this.index) };
    if (counted) {
      if (copies(node) > MAX_REPEAT) this.refuse(`repeats more than ${MAX_REPEAT} times (counting nested repetitions)`);
      if (Math.max(min, max) > 1 && matchesEmpty(atom)) {
        this.refuse(`repeats something that can match the empty string ${this.pattern.slice(start, this.index)} times`);
      }
    }
    return node;
  }

  alternatives(): RegexNode[][] {
    const alternatives: RegexNode[][] = [[]];
    while (this.index < this.pattern.length && this.pattern[this.index] !== ')') {
      if (this.pattern[this.index] === '|') {
        alternatives.push([]);
        this.index++;
      } else {
        alternatives[alternatives.length - 1]!.push(this.term());
      }
    }
    return alternatives;
  }
}

/** How many copies of its innermost atom a counted repetition stands for (the product of nested counts). */
function copies(node: RegexNode): number {
  switch (node.kind) {
    case 'char':
    case 'assertion':
      return 1;
    case 'group':
      return Math.max(1, ...node.alternatives.flat().map(copies));
    case 'repeat':
      return (
        (node.counted ? Math.max(node.min, node.max === Infinity ? node.min : node.max, 1) : 1) * copies(node.atom)
      );
  }
}

/**
 * An upper bound on the combinations of choices a backtracking engine can try at one start
 * position, apart from the loop iterations recheck analyses: alternatives add, sequences
 * multiply, an optional part or a loop doubles (stop or go on), a fixed count multiplies its
 * atom's choices by themselves. Saturates at `Infinity`.
 */
function choicePaths(node: RegexNode): number {
  switch (node.kind) {
    case 'char':
    case 'assertion':
      return 1;
    case 'group':
      return node.alternatives.reduce(
        (sum, sequence) => sum + sequence.reduce((product, item) => product * choicePaths(item), 1),
        0,
      );
    case 'repeat': {
      const inner = choicePaths(node.atom);
      if (!node.counted || node.max <= 1) return node.min === node.max ? inner : 1 + inner;
      const fixed = Math.min(inner ** node.min, Number.MAX_VALUE);
      return node.max > node.min ? fixed * (node.atom.kind === 'char' ? 2 : 1 + inner) : fixed;
    }
  }
}

function matchesEmpty(node: RegexNode): boolean {
  switch (node.kind) {
    case 'char':
      return false;
    case 'assertion':
      return true;
    case 'group':
      return node.alternatives.some((sequence) => sequence.every(matchesEmpty));
    case 'repeat':
      return node.min === 0 || matchesEmpty(node.atom);
  }
}

/** `node` with every counted repetition widened to an unbounded one (see the file comment). */
function widen(node: RegexNode): string {
  switch (node.kind) {
    case 'char':
    case 'assertion':
      return node.source;
    case 'group':
      return `(?:${node.alternatives.map((sequence) => sequence.map(widen).join('')).join('|')})`;
    case 'repeat': {
      const atom = widen(node.atom);
      if (!node.counted || node.max <= 1) return atom + node.source;
      if (node.atom.kind === 'char') {
        return node.min === node.max ? atom + node.source : `${node.min > 0 ? `${atom}{${node.min}}` : ''}${atom}*`;
      }
      return `(?:${atom})${node.min === 0 ? '*' : '+'}`;
    }
  }
}

/**
 * Parses `pattern` (which must compile as an ECMAScript RegExp) in the accepted syntax: why it is
 * refused, or the widened pattern to analyse for backtracking.
 */
export function parseRegex(pattern: string): RegexAnalysis {
  const parser = new Parser(pattern);
  try {
    const alternatives = parser.alternatives();
    if (parser.index !== pattern.length) return { problem: 'is not a valid regular expression' };
    const root: RegexNode = { kind: 'group', alternatives };
    const anchored = alternatives.every(([first]) => first?.kind === 'assertion' && first.source === '^');
    const limit = anchored ? MAX_CHOICE_PATHS_ANCHORED : MAX_CHOICE_PATHS;
    const paths = choicePaths(root);
    if (paths > limit) {
      return {
        problem:
          `combines too many alternatives and optional parts (${paths > 1e6 ? 'over 1,000,000' : paths} ways, ` +
          `at most ${limit}${anchored ? '' : ' unless anchored with ^'}), which backtracking engines may all try`,
      };
    }
    return { overApproximation: widen(root) };
  } catch (error) {
    if (error instanceof Refused) return { problem: error.message };
    throw error;
  }
}
