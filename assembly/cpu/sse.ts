// The SSE subset that static musl programs and gcc's copies and zeroing use.
// Decoding fills an OP_SSE record whose `sub` names the operation.

/** Decodes a 0F-map opcode of the SSE subset; false when not one of ours. */
export function SSE_decode(b: i32, pfx: i32, rex: i32, rec: u32): bool {
  return false;
}

export function SSE_execute(p: u32): void {
}
