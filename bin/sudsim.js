#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// output piped into a reader that stops early (| head): stop quietly, as other tools do
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); else throw err; });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`sudsim: internal error: ${err?.stack ?? err}\n`); process.exitCode = 70; },
);
