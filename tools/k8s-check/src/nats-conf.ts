// Reads k8s/nats.conf the way the tests need it: one block's own settings (`jetstream { … }`), and the
// route entries of the cluster block. Comments are dropped first, so a key that is only mentioned in a
// comment never counts as set.

/**
 * The configuration without comments: whole `#` or `//` lines, and `#` after whitespace to the end of a
 * line (a `//` after a value is left alone: it may be part of a URL such as nats://).
 */
export function withoutComments(conf: string): string {
  return conf
    .split('\n')
    .map((line) => line.replace(/^\s*(#|\/\/).*$/, '').replace(/\s+#.*$/, ''))
    .join('\n');
}

/** The text between the braces of the block `name { … }` at the top level, nested blocks included. */
export function block(conf: string, name: string): string {
  const text = withoutComments(conf);
  const opening = new RegExp(`^${name}\\s*\\{`, 'm').exec(text);
  if (!opening) throw new Error(`nats.conf has no top-level block ${name} { … }`);
  const start = opening.index + opening[0].length;
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  throw new Error(`nats.conf: block ${name} is not closed`);
}

/** A block's own settings, `key: value` per line, without those of the blocks nested in it. */
export function settings(blockText: string): Record<string, string> {
  const own: Record<string, string> = {};
  let depth = 0;
  for (const line of blockText.split('\n')) {
    const match = /^\s*([A-Za-z_]+)\s*[:=]\s*([^{[]+?)\s*$/.exec(line);
    if (depth === 0 && match) own[match[1]!] = match[2]!;
    depth += (line.match(/[{[]/g) ?? []).length - (line.match(/[}\]]/g) ?? []).length;
  }
  return own;
}

/** The entries of the cluster block's `routes: [ … ]` list. */
export function routes(conf: string): string[] {
  const list = /routes\s*[:=]?\s*\[([^\]]*)\]/.exec(block(conf, 'cluster'));
  if (!list) throw new Error('nats.conf: the cluster block has no routes: [ … ]');
  return list[1]!.split(/[\s,]+/).filter(Boolean);
}
