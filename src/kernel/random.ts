/** SplitMix64: the machine's only source of randomness, seeded, so runs repeat exactly. */
export class SplitMix64 {
  private s: bigint;

  constructor(seed: bigint) {
    this.s = BigInt.asUintN(64, seed);
  }

  next(): bigint {
    this.s = BigInt.asUintN(64, this.s + 0x9e3779b97f4a7c15n);
    return splitMix64Mix(this.s);
  }
}

/** SplitMix64's output function: a 64-bit value mixed so that every input bit reaches every output bit. */
export function splitMix64Mix(z0: bigint): bigint {
  let z = BigInt.asUintN(64, z0);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}
