/**
 * The JUnit XML of `validate --junit FILE`: one test case per check, in the order
 * validate ran them, a failing check with its measured value, threshold and worst
 * offenders. No timestamps and every time attribute 0, so the same data gives the
 * same bytes (CI servers read it; diffs stay meaningful).
 */
import type { ValidateResult } from './validate.js';

export const SUITE_NAME = 'invsync validate';
export const CLASS_NAME = 'invsync.validate';

export function junitXml(result: ValidateResult): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${SUITE_NAME}" tests="${result.tests}" failures="${result.failures}" errors="0" time="0">`,
    `  <testsuite name="${SUITE_NAME}" tests="${result.tests}" failures="${result.failures}" errors="0" skipped="0" time="0">`,
  ];
  for (const c of result.checks) {
    const open = `    <testcase classname="${CLASS_NAME}" name="${escapeXml(c.name)}" time="0">`;
    const out = `      <system-out>${escapeXml(`${c.description}: measured ${c.measured}; passes when ${c.threshold}`)}</system-out>`;
    if (c.passed) {
      lines.push(open, out, '    </testcase>');
      continue;
    }
    const more = c.offenderCount > c.offenders.length ? [`  … and ${c.offenderCount - c.offenders.length} more`] : [];
    const message = `${c.name}: measured ${c.measured}, passes when ${c.threshold}`;
    const details = [`${c.description}.`, `measured: ${c.measured}`, `threshold: ${c.threshold}`, `worst offenders (${c.offenderCount}):`, ...c.offenders.map((o) => `  ${o}`), ...more].join('\n');
    lines.push(open, `      <failure message="${escapeXml(message)}" type="check_failed">${escapeXml(details)}</failure>`, out, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/**
 * Text for XML content and attribute values: the five special characters as
 * entities, line breaks and tabs as character references (kept in attributes), and
 * the control characters XML 1.0 forbids dropped for U+FFFD (a cell of a legacy file
 * can hold one, and one such character would make the whole report unreadable).
 */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what this replaces
  return text.replace(/[&<>"'\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      case '\t':
        return '&#9;';
      case '\n':
        return '&#10;';
      case '\r':
        return '&#13;';
      default:
        return '\uFFFD';
    }
  });
}
