// Handler numbers of decoded instructions: the decoder resolves an x86 opcode
// (with its group /r field and prefixes) to one of these, and execute.ts
// switches on it. Families that share a handler keep their variant in the
// record's `sub` byte (ALU kind, condition code, shift kind).

export const OP_UD = 0; // invalid opcode: SIGILL ILL_ILLOPN
export const OP_FETCH_FAULT = 1; // the instruction's bytes are not executable
export const OP_GP = 2; // privileged or malformed: #GP, SIGSEGV SI_KERNEL
export const OP_NOP = 3;

// ALU: op = base + kind (0 add, 1 or, 2 adc, 3 sbb, 4 and, 5 sub, 6 xor, 7 cmp)
export const OP_ALU_EG = 8; // 00 08 10 18 20 28 30 38 /r and the +1 forms: E op= G
export const OP_ALU_GE = 16; // 02 0A ...: G op= E
export const OP_ALU_EI = 24; // 80 81 83 and 04 05 ... (rm = accumulator)

export const OP_TEST_EG = 32; // 84 85
export const OP_TEST_EI = 33; // A8 A9, F6/F7 /0
export const OP_XCHG_EG = 34; // 86 87, 90+r
export const OP_MOV_EG = 35; // 88 89
export const OP_MOV_GE = 36; // 8A 8B
export const OP_MOV_EI = 37; // C6 C7, B0+r, B8+r (rm = register)
export const OP_LEA = 38; // 8D
export const OP_PUSH_E = 39; // 50+r, FF /6
export const OP_POP_E = 40; // 58+r, 8F /0
export const OP_PUSH_I = 41; // 68 6A
export const OP_MOVSXD = 42; // 63
export const OP_MOVZX = 43; // 0F B6 B7 (sub = source size)
export const OP_MOVSX = 44; // 0F BE BF (sub = source size)
export const OP_IMUL_GEI = 45; // 69 6B
export const OP_IMUL_GE = 46; // 0F AF
export const OP_JCC = 47; // 70+cc, 0F 80+cc (sub = cc)
export const OP_JMP = 48; // E9 EB
export const OP_CALL = 49; // E8
export const OP_RET = 50; // C3, C2 iw
export const OP_JMP_E = 51; // FF /4
export const OP_CALL_E = 52; // FF /2
export const OP_SHIFT_I = 53; // C0 C1 D0 D1 (sub = /r kind, imm = count)
export const OP_SHIFT_CL = 54; // D2 D3
export const OP_NOT = 55; // F6/F7 /2
export const OP_NEG = 56; // F6/F7 /3
export const OP_MUL = 57; // F6/F7 /4
export const OP_IMUL1 = 58; // F6/F7 /5
export const OP_DIV = 59; // F6/F7 /6
export const OP_IDIV = 60; // F6/F7 /7
export const OP_INC = 61; // FE/FF /0
export const OP_DEC = 62; // FE/FF /1
export const OP_CBW = 63; // 98
export const OP_CWD = 64; // 99
export const OP_MOVS = 65; // A4 A5
export const OP_STOS = 66; // AA AB
export const OP_LODS = 67; // AC AD
export const OP_CMPS = 68; // A6 A7
export const OP_SCAS = 69; // AE AF
export const OP_LEAVE = 70; // C9
export const OP_HLT = 71; // F4
export const OP_INT3 = 72; // CC
export const OP_INT = 73; // CD ib
export const OP_CLC = 74;
export const OP_STC = 75;
export const OP_CMC = 76;
export const OP_CLD = 77;
export const OP_STD = 78;
export const OP_PUSHF = 79;
export const OP_POPF = 80;
export const OP_SAHF = 81;
export const OP_LAHF = 82;
export const OP_SYSCALL = 83; // 0F 05
export const OP_CPUID = 84; // 0F A2
export const OP_RDTSC = 85; // 0F 31
export const OP_SETCC = 86; // 0F 90+cc
export const OP_CMOVCC = 87; // 0F 40+cc
export const OP_BT_EG = 88; // 0F A3 AB B3 BB (sub = 0 bt, 1 bts, 2 btr, 3 btc)
export const OP_BT_EI = 89; // 0F BA /4../7
export const OP_BSF = 90; // 0F BC
export const OP_BSR = 91; // 0F BD
export const OP_TZCNT = 92; // F3 0F BC
export const OP_LZCNT = 93; // F3 0F BD
export const OP_POPCNT = 94; // F3 0F B8
export const OP_SHLD = 95; // 0F A4 (imm) A5 (cl: sub = 1)
export const OP_SHRD = 96; // 0F AC AD
export const OP_CMPXCHG = 97; // 0F B0 B1
export const OP_XADD = 98; // 0F C0 C1
export const OP_BSWAP = 99; // 0F C8+r
export const OP_JRCXZ = 100; // E3
export const OP_LOOP = 101; // E0 E1 E2 (sub = 0 loopne, 1 loope, 2 loop)
export const OP_INT1 = 102; // F1
export const OP_XLAT = 103; // D7
export const OP_CMPXCHG16B = 104; // 0F C7 /1: cmpxchg8b, cmpxchg16b with REX.W
export const OP_RDTSCP = 105; // 0F 01 F9
export const OP_ENTER = 106; // C8
export const OP_SSE = 107; // SSE subset: sub-dispatched in sse.ts (sub = SSE_*)
export const OP_PAUSE = 108; // F3 90
export const OP_INTO = 109;
export const OP_MOV_MOFFS = 110; // A0..A3: imm = 64-bit address (no room in disp), sub 1 = store
export const OP_X87 = 111; // D8..DF, 9B: sub-dispatched in x87.ts
export const OP_MMX = 112; // 0F forms on mm registers: sub-dispatched in mmx.ts
export const OP_CLFLUSH = 113; // 0F AE /7, 66 0F AE /7 and /6 with a memory operand: clflush, clflushopt, clwb
export const OP_COUNT = 114;
