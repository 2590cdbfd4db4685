/**
 * A small XML reader for the tests (package.json has no XML parser): elements,
 * attributes, text and the five entities plus character references. It refuses what
 * a real parser would refuse in our output: unbalanced tags, a bare & or <, an
 * attribute without quotes, a character XML 1.0 forbids.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

export function unescapeXml(text: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`a bare & in ${JSON.stringify(text.slice(0, 60))}`);
  return text.replace(ENTITY, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export function parseXml(xml: string): XmlElement {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)) throw new Error('a character XML 1.0 forbids');
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let m: RegExpExecArray | null;
  while ((m = token.exec(body))) {
    const [, closing, name, attrs, selfClosing, text, stray] = m;
    const top = stack[stack.length - 1]!;
    if (stray) throw new Error(`a bare < at ${m.index}`);
    if (text !== undefined) {
      top.text += unescapeXml(text);
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs!.matchAll(/([\w:.-]+)="([^"<]*)"/g)) {
      if (a[1]! in attributes) throw new Error(`attribute ${a[1]} twice`);
      attributes[a[1]!] = unescapeXml(a[2]!);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('not one root element');
  return root.children[0]!;
}

/** The JUnit report as data: suites, and per test case its name, classname and failure. */
export function readJunit(xml: string): {
  suites: Readonly<Record<string, string>>;
  suite: Readonly<Record<string, string>>;
  cases: { classname: string; name: string; failure?: { message: string; type: string; text: string }; out: string }[];
} {
  const root = parseXml(xml);
  if (root.name !== 'testsuites') throw new Error(`root is <${root.name}>`);
  const suite = root.children.find((c) => c.name === 'testsuite');
  if (!suite) throw new Error('no <testsuite>');
  return {
    suites: root.attributes,
    suite: suite.attributes,
    cases: suite.children
      .filter((c) => c.name === 'testcase')
      .map((c) => {
        const failure = c.children.find((x) => x.name === 'failure');
        return {
          classname: c.attributes.classname ?? '',
          name: c.attributes.name ?? '',
          out: c.children.find((x) => x.name === 'system-out')?.text ?? '',
          ...(failure ? { failure: { message: failure.attributes.message ?? '', type: failure.attributes.type ?? '', text: failure.text } } : {}),
        };
      }),
  };
}
