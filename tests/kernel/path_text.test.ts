/**
 * pathText makes short ASCII paths itself, without TextDecoder: it must
 * give what TextDecoder gives for any bytes (UTF-8, invalid sequences, a
 * byte-order mark, long paths).
 */
import { pathText } from '../../src/kernel/syscalls/paths.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

describe('pathText', () => {
  it('decodes paths as TextDecoder does', () => {
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      enc.encode('/proc/self/exe'),
      enc.encode('/tmp/é/ü'),
      enc.encode('a'.repeat(64)),
      enc.encode('b'.repeat(65)),
      enc.encode('/x/' + 'c'.repeat(4000)),
      Uint8Array.of(0xef, 0xbb, 0xbf, 0x2f, 0x61),
      Uint8Array.of(0x2f, 0xff, 0xfe, 0x61),
      Uint8Array.of(0x2f, 0xc3),
      Uint8Array.of(0x01, 0x1f, 0x7f, 0x2f),
    ];
    for (let b = 0; b < 256; b++) cases.push(Uint8Array.of(0x2f, b, 0x61));
    for (const bytes of cases) expect(pathText(bytes)).toBe(dec.decode(bytes));
  });
});
