#!/bin/sh
# Rebuilds src/cli/demo_program.ts from examples/demo.c (needs gcc).
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
gcc -O2 -static -nostdlib -ffreestanding -fno-pie -no-pie -mgeneral-regs-only -fno-asynchronous-unwind-tables -Wl,--build-id=none -s -o "$tmp/demo" examples/demo.c
scripts/embed-binary.sh "$tmp/demo" src/cli/demo_program.ts DEMO_ELF 'scripts/gen-demo.sh from examples/demo.c' \
  'The demo program: a static x86-64 ELF built from examples/demo.c.'
rm -rf "$tmp"
