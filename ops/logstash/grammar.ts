/**
 * A grammar check for Logstash pipeline configs, since Logstash cannot run
 * here: tokenises (quoted strings with escapes, comments, numbers, barewords,
 * field references, `=>`), parses the documented structure — `input`, `filter`
 * and `output` sections holding plugin blocks and `if / else if / else`
 * conditionals; settings `name => value` with strings, numbers, booleans,
 * barewords, arrays, hashes and codecs — and reports problems with line numbers,
 * including plugins that are not in the default Logstash distribution.
 */

export const knownPlugins: Record<'input' | 'filter' | 'output', ReadonlySet<string>> = {
  input: new Set([
    'beats',
    'tcp',
    'udp',
    'gelf',
    'file',
    'http',
    'syslog',
    'stdin',
    'elastic_agent',
    'jdbc',
    'generator',
    'heartbeat',
    'pipeline',
  ]),
  filter: new Set([
    'mutate',
    'grok',
    'json',
    'date',
    'geoip',
    'translate',
    'de_dot',
    'dissect',
    'kv',
    'ruby',
    'drop',
    'useragent',
    'fingerprint',
    'prune',
    'split',
    'cidr',
    'csv',
    'urldecode',
    'truncate',
  ]),
  output: new Set(['elasticsearch', 'stdout', 'file', 'pipeline', 'http', 'tcp', 'udp']),
};

export const knownCodecs = new Set([
  'json',
  'json_lines',
  'line',
  'plain',
  'rubydebug',
  'multiline',
  'es_bulk',
]);

interface Token {
  kind: 'string' | 'number' | 'word' | 'field' | 'arrow' | 'punct' | 'op' | 'regex';
  text: string;
  line: number;
}

export interface PipelineSummary {
  sections: string[];
  plugins: { section: string; name: string; id?: string; line: number }[];
  envVars: string[];
}

export class LogstashSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

function readString(
  src: string,
  start: number,
  line: number,
): { text: string; end: number; lines: number } {
  const quote = src[start]!;
  let i = start + 1;
  let lines = 0;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === '\\') i++;
    if (src[i] === '\n') lines++;
    i++;
  }
  if (i >= src.length)
    throw new LogstashSyntaxError(
      line,
      `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string`,
    );
  return { text: src.slice(start + 1, i), end: i + 1, lines };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: Token['kind'], text: string) => tokens.push({ kind, text, line });
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) i++;
    else if (ch === '#') while (i < src.length && src[i] !== '\n') i++;
    else if (ch === '"' || ch === "'") {
      const s = readString(src, i, line);
      push('string', s.text);
      line += s.lines;
      i = s.end;
    } else if (src.startsWith('=>', i)) {
      push('arrow', '=>');
      i += 2;
    } else if (/^(==|!=|<=|>=|=~|!~)/.test(src.slice(i, i + 2))) {
      push('op', src.slice(i, i + 2));
      i += 2;
    } else if (ch === '[' && /^\[[A-Za-z0-9_@.-]+\]/.test(src.slice(i))) {
      const m = /^(\[[A-Za-z0-9_@.-]+\])+/.exec(src.slice(i))!;
      push('field', m[0]);
      i += m[0].length;
    } else if (ch === '/' && tokens.at(-1)?.kind === 'op') {
      const end = src.indexOf('/', i + 1);
      if (end < 0) throw new LogstashSyntaxError(line, 'unterminated regular expression');
      push('regex', src.slice(i + 1, end));
      i = end + 1;
    } else if (/[{}[\],()!<>]/.test(ch)) {
      push(ch === '!' || ch === '<' || ch === '>' ? 'op' : 'punct', ch);
      i++;
    } else if (/[-0-9]/.test(ch) && /^-?\d+(\.\d+)?/.test(src.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i))!;
      push('number', m[0]);
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i))!;
      push('word', m[0]);
      i += m[0].length;
    } else throw new LogstashSyntaxError(line, `unexpected character ${JSON.stringify(ch)}`);
  }
  return tokens;
}

class Parser {
  readonly tokens: Token[];
  pos = 0;
  readonly summary: PipelineSummary = { sections: [], plugins: [], envVars: [] };

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  lastLine(): number {
    return this.tokens.at(-1)?.line ?? 1;
  }

  next(what: string): Token {
    const t = this.tokens[this.pos++];
    if (!t)
      throw new LogstashSyntaxError(this.lastLine(), `unexpected end of file, expected ${what}`);
    return t;
  }

  expect(text: string): Token {
    const t = this.next(`"${text}"`);
    if (t.text !== text || t.kind === 'string')
      throw new LogstashSyntaxError(
        t.line,
        `expected "${text}" but found ${JSON.stringify(t.text)}`,
      );
    return t;
  }

  config(): PipelineSummary {
    while (this.peek()) {
      const t = this.next('a section');
      if (t.kind !== 'word' || !(t.text in knownPlugins))
        throw new LogstashSyntaxError(
          t.line,
          `expected input, filter or output, found ${JSON.stringify(t.text)}`,
        );
      this.summary.sections.push(t.text);
      this.expect('{');
      this.body(t.text as keyof typeof knownPlugins);
    }
    return this.summary;
  }

  /** Plugins and conditionals until the closing brace. */
  body(section: keyof typeof knownPlugins): void {
    for (;;) {
      const t = this.next('a plugin, a conditional or "}"');
      if (t.text === '}' && t.kind === 'punct') return;
      if (t.kind !== 'word')
        throw new LogstashSyntaxError(
          t.line,
          `expected a plugin name, found ${JSON.stringify(t.text)}`,
        );
      if (t.text === 'if') {
        this.conditional(section);
        continue;
      }
      if (!knownPlugins[section].has(t.text))
        throw new LogstashSyntaxError(t.line, `unknown ${section} plugin "${t.text}"`);
      this.expect('{');
      const id = this.settings();
      this.summary.plugins.push({ section, name: t.text, id, line: t.line });
    }
  }

  conditional(section: keyof typeof knownPlugins): void {
    this.condition();
    this.expect('{');
    this.body(section);
    while (this.peek()?.text === 'else') {
      this.pos++;
      if (this.peek()?.text === 'if') {
        this.pos++;
        this.condition();
      }
      this.expect('{');
      this.body(section);
    }
  }

  /** Everything up to the block's `{`, checked for balanced parentheses and known operands. */
  condition(): void {
    let depth = 0;
    let operands = 0;
    for (;;) {
      const t = this.peek();
      if (!t)
        throw new LogstashSyntaxError(this.lastLine(), 'unexpected end of file in a condition');
      if (t.text === '{' && t.kind === 'punct' && depth === 0) break;
      if (t.text === '{' && t.kind === 'punct')
        throw new LogstashSyntaxError(t.line, 'unbalanced "(" in a condition');
      this.pos++;
      if (t.text === '(') depth++;
      else if (t.text === ')' && --depth < 0)
        throw new LogstashSyntaxError(t.line, 'unbalanced ")" in a condition');
      else if (t.kind === 'arrow' || (t.kind === 'punct' && /[{}]/.test(t.text)))
        throw new LogstashSyntaxError(t.line, `unexpected ${t.text} in a condition`);
      else if (t.kind === 'word' && !['and', 'or', 'xor', 'nand', 'in', 'not'].includes(t.text))
        throw new LogstashSyntaxError(
          t.line,
          `unexpected word "${t.text}" in a condition (quote strings)`,
        );
      if (t.kind === 'field' || t.kind === 'string' || t.kind === 'number' || t.kind === 'regex')
        operands++;
      this.envRefs(t);
    }
    if (depth !== 0)
      throw new LogstashSyntaxError(this.peek()!.line, 'unbalanced "(" in a condition');
    if (operands === 0) throw new LogstashSyntaxError(this.peek()!.line, 'empty condition');
  }

  envRefs(t: Token): void {
    if (t.kind !== 'string') return;
    for (const m of t.text.matchAll(/\$\{([A-Z0-9_]+)(:[^}]*)?\}/g))
      if (!this.summary.envVars.includes(m[1]!)) this.summary.envVars.push(m[1]!);
  }

  /** `name => value` pairs until `}`; returns the plugin's `id` when set. */
  settings(): string | undefined {
    let id: string | undefined;
    for (;;) {
      const t = this.next('a setting or "}"');
      if (t.text === '}' && t.kind === 'punct') return id;
      if (t.kind !== 'word' && t.kind !== 'string')
        throw new LogstashSyntaxError(
          t.line,
          `expected a setting name, found ${JSON.stringify(t.text)}`,
        );
      const arrow = this.next('"=>"');
      if (arrow.kind !== 'arrow')
        throw new LogstashSyntaxError(
          arrow.line,
          `expected "=>" after ${t.text}, found ${JSON.stringify(arrow.text)}`,
        );
      const value = this.value();
      if (t.text === 'id' && value.kind === 'string') id = value.text;
      if (t.text === 'codec' && value.kind === 'word' && !knownCodecs.has(value.text))
        throw new LogstashSyntaxError(value.line, `unknown codec "${value.text}"`);
    }
  }

  value(): Token {
    const t = this.next('a value');
    this.envRefs(t);
    if (t.kind === 'string' || t.kind === 'number') return t;
    if (t.kind === 'word') {
      if (this.peek()?.text === '{' && this.peek()?.kind === 'punct') {
        this.pos++;
        this.settings(); // a codec with options: json_lines { ... }
      }
      return t;
    }
    if (t.text === '[') {
      while (this.peek()?.text !== ']') {
        this.value();
        if (this.peek()?.text === ',') this.pos++;
      }
      this.pos++;
      return t;
    }
    if (t.text === '{') {
      this.hash();
      return t;
    }
    if (t.kind === 'field') return t;
    throw new LogstashSyntaxError(t.line, `expected a value, found ${JSON.stringify(t.text)}`);
  }

  hash(): void {
    for (;;) {
      const key = this.next('a key or "}"');
      if (key.text === '}' && key.kind === 'punct') return;
      if (key.kind !== 'string' && key.kind !== 'word' && key.kind !== 'number')
        throw new LogstashSyntaxError(
          key.line,
          `expected a hash key, found ${JSON.stringify(key.text)}`,
        );
      const arrow = this.next('"=>"');
      if (arrow.kind !== 'arrow')
        throw new LogstashSyntaxError(
          arrow.line,
          `expected "=>" after hash key ${JSON.stringify(key.text)}`,
        );
      this.value();
      if (this.peek()?.text === ',') this.pos++;
    }
  }
}

/** Parses a pipeline config; throws LogstashSyntaxError at the first problem. */
export function checkPipeline(src: string): PipelineSummary {
  return new Parser(tokenize(src)).config();
}
