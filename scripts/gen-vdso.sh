#!/bin/sh
# Rebuilds src/kernel/vdso_image.ts from src/kernel/vdso/ (needs gcc): the
# vDSO exec maps into every process (src/kernel/vdso.ts), kept as bytes so that the
# library needs no compiler at run time.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
src=src/kernel/vdso
gcc -O2 -fPIC -ffreestanding -nostdlib -shared -fno-asynchronous-unwind-tables -fno-stack-protector \
  -mgeneral-regs-only -fcf-protection=none -Wall -Werror \
  -Wl,--hash-style=both -Wl,-soname=linux-vdso.so.1 -Wl,--version-script=$src/vdso.map -Wl,-T,$src/vdso.lds \
  -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-Bsymbolic -Wl,-z,now -s \
  -o "$tmp/vdso.so" $src/vdso.c
scripts/embed-binary.sh "$tmp/vdso.so" src/kernel/vdso_image.ts VDSO_IMAGE 'scripts/gen-vdso.sh from src/kernel/vdso/' \
  'linux-vdso.so.1: the ELF image exec maps as [vdso] (src/kernel/vdso/vdso.c).'
cp "$tmp/vdso.so" "${VDSO_OUT:-/dev/null}" 2>/dev/null || true
rm -rf "$tmp"
