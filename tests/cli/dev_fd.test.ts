/**
 * /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr are links to
 * /proc/self/fd, and a descriptor's /proc/<pid>/fd link opens what the
 * descriptor has open, a pipe included: bash's process substitution and
 * programs that read /dev/stdin do under `sudsim run` what they do
 * natively.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: '/root' };

const skip = existsSync('/bin/bash') ? null : 'the host has no /bin/bash';
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`/dev/fd under sudsim run skipped: ${skip}`);

type Run = { stdout: string; stderr: string; status: number | null };

function bash(script: string, viaSudsim: boolean): Run {
  const [cmd, args] = viaSudsim ? [process.execPath, [CLI, 'run', '/bin/bash', '-c', script]] : ['/bin/bash', ['-c', script]];
  const r = spawnSync(cmd, args, { env: ENV, cwd: '/', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const SCRIPTS = [
  // process substitution: bash passes /dev/fd/63 and its like
  'diff <(printf "a\\nb\\n") <(printf "a\\nc\\n"); echo "diff: $?"',
  'paste <(seq 3) <(seq 4 6); while read -r l; do echo "[$l]"; done < <(printf "x\\ny\\n")',
  'echo to-cat > >(cat); wait',
  // a pipe opened again by a second process, through a descriptor it inherited
  'exec 3< <(echo three); cat /dev/fd/3; cat <&3; echo "rest: $?"',
  // the standard streams by name: a pipe, a here-string, /dev/null (node gives sockets as stdio, which no open reaches: ENXIO; so pipes of the script's own)
  '{ echo piped | cat /dev/stdin; cat /dev/stdin <<< here; cat /dev/stdin; echo out > /dev/stdout; echo err > /dev/stderr; } 2>&1 | cat',
  'stat -L -c %F /dev/stdin < /dev/null; echo p | stat -L -c %F /dev/stdin',
  'readlink /dev/fd /dev/stdin /dev/stdout /dev/stderr; stat -c %F /dev/fd /dev/fd/. /dev/fd/; ls -d /dev/stdin/. 2>&1 | sed "s/^.*: //"',
];

maybe('/dev/fd and the standard streams by name, as natively', () => {
  SCRIPTS.forEach((script) => {
    it(script, () => {
      const host = bash(script, false);
      expect(host.status).toBe(0);
      expect(bash(script, true)).toEqual(host);
    });
  });
});
