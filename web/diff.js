// A line diff (longest common subsequence), for showing what the auditor's corrected
// policy changes in the one pasted. Policies are tens of lines: the quadratic table is fine.

/** `a` to `b` as `{ op, text }` lines: op ' ' kept, '-' only in `a`, '+' only in `b`. */
export function lineDiff(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  // common[i][j]: the longest common subsequence of x[i..] and y[j..].
  const common = Array.from({ length: x.length + 1 }, () => new Array(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      common[i][j] = x[i] === y[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push({ op: ' ', text: x[i++] });
      j++;
    } else if (j < y.length && (i === x.length || common[i][j + 1] >= common[i + 1][j])) {
      out.push({ op: '+', text: y[j++] });
    } else {
      out.push({ op: '-', text: x[i++] });
    }
  }
  return out;
}
