/**
 * The machine's mounts, in the order they were mounted: the root
 * filesystem (ext4), procfs at /proc, sysfs at /sys, and tmpfs at /dev,
 * /dev/shm and /tmp. stat reports each one's device and mount id, statfs
 * its type and flags, and /proc/<pid>/mounts and mountinfo list them
 * (fs/proc_namespace.c show_vfsmnt, show_mountinfo).
 */

/** A mount (struct mount with its superblock's name and options). */
export interface Mount {
  point: string;
  /** The filesystem type (file_system_type.name). */
  fstype: string;
  /** mnt_devname: what was mounted. */
  source: string;
  major: number;
  minor: number;
  mntId: number;
  /** The mount id of the mount it sits on. */
  parent: number;
  /** MNT_NOSUID, MNT_NODEV, MNT_NOEXEC (all are relatime). */
  nosuid: boolean;
  nodev: boolean;
  noexec: boolean;
  /** The superblock's own options (sb->s_op->show_options), after "rw". */
  superOptions: string;
  /** statx's attributes_mask: the attribute bits this filesystem can report. */
  attributesMask: bigint;
}

/** The blocks of the root filesystem and of each tmpfs: the machine's 1 GiB, in 4 KiB blocks. */
export const FS_BLOCKS = 262144;

/** tmpfs's options as shmem_show_options prints them: a size that is not the default half of memory, a mode that is not 1777. */
const tmpfsOptions = (mode: number): string => `,size=${FS_BLOCKS * 4}k${mode === 0o1777 ? '' : `,mode=${mode.toString(8)}`}`;

/**
 * The root's parent is the hidden rootfs mount the kernel starts from (its
 * id, 1, shows in mountinfo as on a booted system).
 */
const ROOTFS_MNT_ID = 1;

export const MOUNT_TABLE: readonly Mount[] = [
  { point: '/', fstype: 'ext4', source: '/dev/sda1', major: 8, minor: 1, mntId: 21, parent: ROOTFS_MNT_ID, nosuid: false, nodev: false, noexec: false, superOptions: '', attributesMask: 0x303874n },
  { point: '/proc', fstype: 'proc', source: 'proc', major: 0, minor: 22, mntId: 22, parent: 21, nosuid: true, nodev: true, noexec: true, superOptions: '', attributesMask: 0x203000n },
  { point: '/sys', fstype: 'sysfs', source: 'sysfs', major: 0, minor: 21, mntId: 26, parent: 21, nosuid: true, nodev: true, noexec: true, superOptions: '', attributesMask: 0x203000n },
  { point: '/dev', fstype: 'tmpfs', source: 'tmpfs', major: 0, minor: 5, mntId: 23, parent: 21, nosuid: true, nodev: false, noexec: false, superOptions: tmpfsOptions(0o755), attributesMask: 0x203070n },
  { point: '/dev/shm', fstype: 'tmpfs', source: 'tmpfs', major: 0, minor: 24, mntId: 24, parent: 23, nosuid: true, nodev: true, noexec: false, superOptions: tmpfsOptions(0o1777), attributesMask: 0x203070n },
  { point: '/tmp', fstype: 'tmpfs', source: 'tmpfs', major: 0, minor: 42, mntId: 25, parent: 21, nosuid: false, nodev: false, noexec: false, superOptions: tmpfsOptions(0o1777), attributesMask: 0x203070n },
];

/** The mount at a mount point. */
export function mountAt(point: string): Mount {
  return MOUNT_TABLE.find((m) => m.point === point)!;
}

/** "rw" and the mount's flags, as show_mnt_opts adds them. */
function mountFlags(m: Mount): string {
  return `rw${m.nosuid ? ',nosuid' : ''}${m.nodev ? ',nodev' : ''}${m.noexec ? ',noexec' : ''},relatime`;
}

/** /proc/<pid>/mounts (show_vfsmnt). */
export function showVfsmnt(): string {
  return MOUNT_TABLE.map((m) => `${m.source} ${m.point} ${m.fstype} ${mountFlags(m)}${m.superOptions} 0 0\n`).join('');
}

/** /proc/<pid>/mountinfo (show_mountinfo): no propagation (every mount private). */
export function showMountinfo(): string {
  return MOUNT_TABLE.map((m) => `${m.mntId} ${m.parent} ${m.major}:${m.minor} / ${m.point} ${mountFlags(m)} - ${m.fstype} ${m.source} rw${m.superOptions}\n`).join('');
}
