/**
 * Return-URL safety for external sign-in (packages/sdk/src/auth/external/return-url.ts) in real Chromium,
 * whose URL parser is the one an open redirect would go through. Every way of leaving the site is refused
 * with the typed error; ordinary same-site paths pass unchanged.
 */
import { expect } from '@open-wc/testing';
import { UnsafeReturnUrlError } from '../../../packages/sdk/src/auth/external/errors.js';
import { isSafeReturnPath, safeReturnPath } from '../../../packages/sdk/src/auth/external/return-url.js';

const ORIGIN = 'https://portal.example';

const HOSTILE: readonly [string, string][] = [
  ['protocol-relative', '//evil.example/x'],
  ['protocol-relative, three slashes', '///evil.example'],
  ['scheme without slashes', 'https:evil.example'],
  ['scheme-relative backslash', '/\\evil.example'],
  ['double backslash', '\\\\evil.example'],
  ['backslash then slash', '\\/evil.example'],
  ['javascript:', 'javascript:alert(1)'],
  ['JavaScript: mixed case', 'JaVaScRiPt:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['vbscript:', 'vbscript:msgbox(1)'],
  ['encoded double slash', '/%2F%2Fevil.example'],
  ['encoded slash after slash', '/%2Fevil.example'],
  ['encoded backslash', '/%5Cevil.example'],
  ['lower-case encoded backslash', '/%5cevil.example'],
  ['double-encoded slash', '/%252F%252Fevil.example'],
  ['tab inside', '/\t/evil.example'],
  ['newline inside', '/\n/evil.example'],
  ['carriage return inside', '/\r/evil.example'],
  ['encoded tab', '/%09/evil.example'],
  ['leading space', ' /path'],
  ['NUL', '/path\u0000'],
  ['absolute URL to another origin', 'https://evil.example/'],
  ['same host, other port', 'https://portal.example:8443/x'],
  ['same host, other scheme', 'http://portal.example/x'],
  ['credentials in an absolute URL', 'https://user:pass@portal.example/x'],
  ['relative path', 'path/to'],
  ['empty', ''],
  ['malformed percent-encoding', '/%E0%A4%A'],
  ['ideographic space', '/\u3000/evil.example'],
  ['line separator', '/\u2028/evil.example'],
];

describe('safeReturnPath', () => {
  for (const [name, candidate] of HOSTILE) {
    it(`refuses ${name}: ${JSON.stringify(candidate)}`, () => {
      let thrown: unknown;
      try {
        safeReturnPath(candidate, ORIGIN);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(UnsafeReturnUrlError);
      expect((thrown as UnsafeReturnUrlError).code).to.equal('unsafe-return-url');
      expect(isSafeReturnPath(candidate, ORIGIN)).to.equal(false);
    });
  }

  it('accepts same-site paths with query and fragment, unchanged', () => {
    for (const path of ['/', '/partners', '/incidents?status=open&q=hello%20world#top', '/a/b/c.html', '/search?q=a%2Fb']) {
      expect(safeReturnPath(path, ORIGIN)).to.equal(path);
    }
  });

  it('reduces a same-origin absolute URL to its path', () => {
    expect(safeReturnPath('https://portal.example/partners?x=1#y', ORIGIN)).to.equal('/partners?x=1#y');
  });

  it('normalises dot segments without leaving the site', () => {
    expect(safeReturnPath('/a/../../b', ORIGIN)).to.equal('/b');
  });
});
