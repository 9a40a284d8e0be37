/** The benches' CSV: serial,name,status,model,owner plus `extra` filler columns; every 10th row is retired. */
import fs from 'node:fs';

export function writeBenchCsv(file: string, n: number, extra = 10): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `serial,name,status,model,owner,${Array.from({ length: extra }, (_, i) => `col${i + 5}`).join(',')}\n`);
  let buf = '';
  for (let i = 0; i < n; i++) {
    let line = `SN${i},host-${i},${i % 10 === 0 ? 'retired' : 'active'},model ${i % 50},user${i}@example.com`;
    for (let c = 5; c < 5 + extra; c++) line += `,col${c}-${i}`;
    buf += `${line}\n`;
    // Written in ~1 MB pieces: a 1,000,000-row file is never held whole.
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}
