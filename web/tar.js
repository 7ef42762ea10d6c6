// A ustar archive of text files, written in the browser for "Download all".

/** A POSIX tar archive of the artifacts, for "download all". */
export function tarOf(files, mtime = Math.floor(Date.now() / 1000)) {
  const enc = new TextEncoder();
  const blocks = [];
  const field = (buf, offset, length, value) => buf.set((typeof value === 'string' ? enc.encode(value) : value).subarray(0, length), offset);
  const octal = (n, width) => n.toString(8).padStart(width - 1, '0');
  const pad = (length) => new Uint8Array((512 - (length % 512)) % 512);
  const entry = (name, data, mode, type) => {
    const header = new Uint8Array(512);
    field(header, 0, 100, name);
    field(header, 100, 8, octal(mode, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(data.length, 12));
    field(header, 136, 12, octal(mtime, 12));
    field(header, 148, 8, '        ');
    field(header, 156, 1, type);
    field(header, 257, 6, 'ustar');
    field(header, 263, 2, '00');
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, `${octal(sum, 7)}\0`);
    blocks.push(header, data, pad(data.length));
  };
  for (const { path, content, mode } of files) {
    const data = enc.encode(content);
    const bytes = enc.encode(path);
    // A name over the header's 100 bytes goes in a PAX record (`NN path=…\n`, NN counting
    // the whole record), so long paths are never cut and never collide.
    if (bytes.length > 100) {
      const body = ` path=${path}\n`;
      let length = enc.encode(body).length;
      length += String(length + String(length).length).length;
      entry(`PaxHeaders/${bytes.length}`, enc.encode(`${length}${body}`), 0o644, 'x');
    }
    entry(bytes.length > 100 ? bytes.subarray(0, 100) : path, data, mode, '0');
  }
  blocks.push(new Uint8Array(1024));
  return new Blob(blocks, { type: 'application/x-tar' });
}
