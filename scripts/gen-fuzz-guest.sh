#!/bin/sh
# Rebuilds src/fuzz/guest_program.ts from src/fuzz/guest/guest.c (needs gcc).
# The sections land at the fixed addresses docs/fuzz-case.md names.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
gcc -O2 -static -nostdlib -ffreestanding -fno-pie -no-pie -mgeneral-regs-only -mno-red-zone \
  -fno-asynchronous-unwind-tables -fno-stack-protector -Wl,--build-id=none -s \
  -Wl,--section-start=.sites=0x10000000 -Wl,--section-start=.selrw=0x10010000 \
  -Wl,--section-start=.selro=0x10020000 -Wl,--section-start=.fuzzcase=0x10030000 \
  -o "$tmp/guest" src/fuzz/guest/guest.c
scripts/embed-binary.sh "$tmp/guest" src/fuzz/guest_program.ts GUEST_ELF 'scripts/gen-fuzz-guest.sh from src/fuzz/guest/guest.c' \
  'The fuzz guest: a static x86-64 ELF built from src/fuzz/guest/guest.c (docs/fuzz-case.md).'
cp "$tmp/guest" "${GUEST_OUT:-/dev/null}" 2>/dev/null || true
rm -rf "$tmp"
