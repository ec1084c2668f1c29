/**
 * The program interpreter of a dynamically linked executable: binfmt_elf
 * opens the path PT_INTERP names (open_exec, so relative to the working
 * directory and with the same permission checks as the program itself)
 * before exec's point of no return, so that a missing or broken loader is
 * an error of execve, not of the new image.
 */
import { Errno, EACCES, EINVAL, EIO, ELIBBAD } from './errno.js';
import { EM_X86_64, ET_DYN, ET_EXEC, type ElfImage } from './elf.js';
import { parseElfOnce, type Interpreter } from './exec.js';
import { resolve, type TreeSource } from './vfs.js';

const dec = new TextDecoder();

/** The interpreter elf names, read from the tree; undefined for a static program. */
export function openInterpreter(src: TreeSource, cwd: string, elf: ElfImage): Interpreter | undefined {
  if (!elf.interp) return undefined;
  const name = dec.decode(elf.interp);
  let node;
  try {
    node = resolve(src, cwd, name, true);
  } catch (err) {
    if (err instanceof Errno) throw new Errno(err.errno, `interpreter ${name}: ${err.message}`);
    throw err;
  }
  // as for the program: a directory or device is no program, nor a tmpfs file without an execute bit
  if ((node.kind === 'tmp' && !(node.file.mode & 0o111)) || (node.kind === 'file' && node.lower && !(node.lower.mode & 0o111)) || (node.kind !== 'file' && node.kind !== 'tmp')) {
    throw new Errno(EACCES, `interpreter ${name}: Permission denied`);
  }
  const bytes = node.kind === 'file' ? node.data : node.file.read(0, node.file.size);
  // binfmt_elf's errors: EIO for a file shorter than an ELF header (a short read), ELIBBAD for
  // one that is no x86-64 ELF file or whose program headers are bad, EINVAL for one that is
  // neither an executable nor a shared object (load_elf_interp)
  if (bytes.length < 64) throw new Errno(EIO, `interpreter ${name}: shorter than an ELF header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || dv.getUint16(18, true) !== EM_X86_64) {
    throw new Errno(ELIBBAD, `interpreter ${name}: not an x86-64 ELF file`);
  }
  const type = dv.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) throw new Errno(EINVAL, `interpreter ${name}: not an executable or shared object`);
  try {
    parseElfOnce(bytes);
  } catch (err) {
    if (err instanceof Errno) throw new Errno(ELIBBAD, `interpreter ${name}: ${err.message}`);
    throw err;
  }
  return { path: node.path, bytes };
}

